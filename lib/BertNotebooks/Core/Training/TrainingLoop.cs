using System.Diagnostics;
using TorchSharp;

namespace BertNotebooks.Training;

/// <summary>
/// The variables of one <see cref="Trainer.Train"/> call that <see cref="TrainerState"/> does not save: where this call
/// started, what it last logged and saved, the loss summed since the last log, and whether early stopping fired.
/// </summary>
sealed class TrainingLoop(int maxSteps, int stepsPerEpoch, int startStep, string? resumedFrom, torch.Device device) : IDisposable
{
    IReadOnlyList<int[]>? _batches;
    int _batchesEpoch = -1;

    public int MaxSteps { get; } = maxSteps;
    public int StepsPerEpoch { get; } = stepsPerEpoch;
    public int StartStep { get; } = startStep;
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public int LastLoggedStep { get; set; } = startStep;
    /// <summary>The checkpoint this call last saved or resumed from, and its step (-1: none yet).</summary>
    public string? LastCheckpoint { get; set; } = resumedFrom;
    public int LastSavedStep { get; set; } = resumedFrom is null ? -1 : startStep;

    /// <summary>Sum of step losses since the last log, kept on the device so that a step needs no read-back.</summary>
    public torch.Tensor LoggedLoss { get; } = torch.zeros([], device: device);
    /// <summary>Sum of the losses logged so far in this call, for train_loss.</summary>
    public double TotalLoss { get; set; }
    public bool EarlyStopped { get; set; }

    public bool IsDone(int globalStep) => globalStep >= MaxSteps || EarlyStopped;

    /// <summary>Where global step <paramref name="step"/> (from 1) falls: its epoch and its place in that epoch, both from 0.</summary>
    public (int Epoch, int StepInEpoch) Position(int step) => ((step - 1) / StepsPerEpoch, (step - 1) % StepsPerEpoch);

    /// <summary>The batches of <paramref name="epoch"/>, made once per epoch.</summary>
    public IReadOnlyList<int[]> Batches(int epoch, Func<int, IReadOnlyList<int[]>> make)
    {
        if (_batchesEpoch != epoch) (_batches, _batchesEpoch) = (make(epoch), epoch);
        return _batches!;
    }

    public void Dispose() => LoggedLoss.Dispose();
}
