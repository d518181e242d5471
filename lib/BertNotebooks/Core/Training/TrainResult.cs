namespace BertNotebooks.Training;

/// <summary>How a Train() call ended. <see cref="Cancelled"/>: stopped by the token, resumable from <see cref="LastCheckpoint"/>.
/// <see cref="TrainingLoss"/>: mean loss of the steps this call trained (NaN when it trained none).</summary>
public sealed record TrainResult(
    int GlobalStep,
    double TrainingLoss,
    IReadOnlyDictionary<string, double> Metrics,
    bool Cancelled,
    string? LastCheckpoint,
    string? BestModelCheckpoint,
    TrainerState State);
