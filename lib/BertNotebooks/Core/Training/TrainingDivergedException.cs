namespace BertNotebooks.Training;

/// <summary>The loss or the gradients became NaN or infinite. The weights from
/// before that step are in <see cref="CheckpointPath"/>.</summary>
public sealed class TrainingDivergedException(int step, double loss, double learningRate, string? checkpointPath)
    : InvalidOperationException(
        $"Training diverged at step {step + 1}: the loss is {loss} at learning rate {learningRate:G4}. " +
        (checkpointPath is null
            ? "No checkpoint was saved (SaveStrategy is No). "
            : $"The weights from before that step are in {checkpointPath}. ") +
        $"Lower the learning rate (for example to {learningRate / 10:G2}), or use more warmup steps, and train again.")
{
    public int Step { get; } = step;
    public double Loss { get; } = loss;
    public double LearningRate { get; } = learningRate;
    public string? CheckpointPath { get; } = checkpointPath;
}
