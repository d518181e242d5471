namespace BertNotebooks.Training;

/// <summary>
/// HF's get_linear_schedule_with_warmup: the learning rate rises linearly from 0 to the base rate over the warmup steps,
/// then falls linearly to 0 at the last step.
/// </summary>
public sealed record LinearSchedule(double BaseLearningRate, int WarmupSteps, int TotalSteps)
{
    /// <summary>The multiplier of the base rate for the optimizer step with 0-based index <paramref name="step"/>.</summary>
    public double Factor(int step) => step < WarmupSteps
        ? (double)step / Math.Max(1, WarmupSteps)
        : Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps));

    public double LearningRateAt(int step) => BaseLearningRate * Factor(step);
}
