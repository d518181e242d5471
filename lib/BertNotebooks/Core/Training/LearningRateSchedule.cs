namespace BertNotebooks.Training;

/// <summary>
/// HF's get_scheduler: the learning rate of each optimizer step as the base rate times a multiplier chosen by name
/// (<see cref="TrainingArguments.LrSchedulerType"/>). To add a schedule, add its name and multiplier to
/// <see cref="Multipliers"/>; nothing else refers to a schedule by name.
/// </summary>
/// <param name="Type">"linear", "cosine", "constant" or "constant_with_warmup": HF's SchedulerType values.</param>
public sealed record LearningRateSchedule(
    double BaseLearningRate, int WarmupSteps, int TotalSteps, string Type = LearningRateSchedule.Linear)
{
    public const string Linear = "linear";
    public const string Cosine = "cosine";
    public const string Constant = "constant";
    public const string ConstantWithWarmup = "constant_with_warmup";

    delegate double Multiplier(int step, int warmup, int total);

    // The lr_lambda functions of transformers' optimization.py, step being the 0-based index of the optimizer step.
    static readonly Dictionary<string, Multiplier> Multipliers = new()
    {
        [Linear] = (step, warmup, total) => step < warmup
            ? (double)step / Math.Max(1, warmup)
            : Math.Max(0.0, (double)(total - step) / Math.Max(1, total - warmup)),
        // get_cosine_schedule_with_warmup with num_cycles 0.5: half a cosine wave from 1 down to 0.
        [Cosine] = (step, warmup, total) => step < warmup
            ? (double)step / Math.Max(1, warmup)
            : Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * 2.0 * 0.5 * (step - warmup) / Math.Max(1, total - warmup)))),
        [Constant] = (_, _, _) => 1.0,
        [ConstantWithWarmup] = (step, warmup, _) => step < warmup ? step / Math.Max(1.0, warmup) : 1.0,
    };

    /// <summary>The schedule names this library knows, for messages and option help.</summary>
    public static IReadOnlyCollection<string> Names => Multipliers.Keys;

    /// <summary>Throws an <see cref="ArgumentException"/> listing the known names when <paramref name="type"/> is not one.</summary>
    public static void RequireKnown(string type)
    {
        if (!Multipliers.ContainsKey(type))
            throw new ArgumentException($"LrSchedulerType '{type}' is not a known schedule; use one of: {string.Join(", ", Names)}.");
    }

    /// <summary>The multiplier of the base rate for the optimizer step with 0-based index <paramref name="step"/>.</summary>
    public double Factor(int step)
    {
        RequireKnown(Type);
        return Multipliers[Type](step, WarmupSteps, TotalSteps);
    }

    public double LearningRateAt(int step) => BaseLearningRate * Factor(step);
}
