namespace BertNotebooks.Training;

/// <summary>Where training stands, reported after every optimizer step and evaluation batch (cheap: no value read from the GPU).</summary>
public sealed record TrainerProgress(string Stage, int Step, int TotalSteps, double Epoch, TimeSpan Elapsed)
{
    public double Fraction => TotalSteps == 0 ? 1 : (double)Step / TotalSteps;
}
