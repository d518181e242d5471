using System.Globalization;
using System.Text.Json;
using BertNotebooks.Checkpoints;
using BertNotebooks.IO;
using BertNotebooks.Modeling;
using TorchSharp;

namespace BertNotebooks.Training;

/// <summary>The Trainer's checkpoints: HF's folder layout (model, optimizer.bin, scheduler.json, trainer_state.json).</summary>
public sealed partial class Trainer
{
    const string OptimizerFile = "optimizer.bin";
    const string SchedulerFile = "scheduler.json";
    const string StateFile = "trainer_state.json";

    /// <summary>Writes the model into <paramref name="folder"/> atomically (the final model, for example).</summary>
    public void SaveModel(string folder) => AtomicFile.WriteDirectory(folder, WriteModel);

    // A saver may itself replace the (still empty) folder atomically, as SavePretrained does: so the model goes first.
    void WriteModel(string folder)
    {
        if (_model is ISavePretrained pretrained) pretrained.SavePretrained(folder);
        else SafeTensors.Save(Path.Combine(folder, CheckpointFiles.Weights), _model.state_dict());
    }

    /// <summary>A checkpoint of this step, unless this call already saved (or resumed from) one at this step.</summary>
    string SaveUnlessSaved(TrainingLoop loop, OptimizerStepper stepper)
    {
        if (loop.LastSavedStep != State.GlobalStep || loop.LastCheckpoint is null)
            (loop.LastCheckpoint, loop.LastSavedStep) = (SaveCheckpoint(stepper), State.GlobalStep);
        return loop.LastCheckpoint;
    }

    string SaveCheckpoint(OptimizerStepper stepper)
    {
        var path = Path.GetFullPath(Path.Combine(Args.OutputDir, $"{CheckpointFolders.Prefix}{State.GlobalStep}"));
        if (State.BestGlobalStep == State.GlobalStep) State.BestModelCheckpoint = path;
        AtomicFile.WriteDirectory(path, dir =>
        {
            WriteModel(dir);
            stepper.Optimizer.save_state_dict(Path.Combine(dir, OptimizerFile));
            AtomicFile.WriteJson(Path.Combine(dir, SchedulerFile), new SchedulerState(stepper.StepsDone, stepper.Schedule));
            AtomicFile.WriteJson(Path.Combine(dir, "training_args.json"), Args);
            State.Save(Path.Combine(dir, StateFile));
        });
        CheckpointFolders.Rotate(Args.OutputDir, Args.SaveTotalLimit, State.BestModelCheckpoint);
        return path;
    }

    void LoadCheckpoint(string folder, OptimizerStepper stepper)
    {
        var saved = TrainerState.Load(Path.Combine(folder, StateFile));
        if (saved.MaxSteps != State.MaxSteps)
        {
            var steps = string.Create(CultureInfo.InvariantCulture, $"{saved.MaxSteps} steps, but these arguments make {State.MaxSteps}");
            throw new ArgumentException($"{folder} was saved by a run of {steps}; resume with the same epochs, batch size and data.");
        }
        State = saved;
        LoadModelWeights(folder);
        var optimizer = Path.Combine(folder, OptimizerFile);
        if (!File.Exists(optimizer))
            throw new FileNotFoundException($"{optimizer} is missing, so the run cannot continue exactly; " +
                "start a new run instead.", optimizer);
        stepper.Optimizer.load_state_dict(optimizer);
        stepper.StepsDone = LoadSchedulerState(Path.Combine(folder, SchedulerFile), stepper.Schedule).LastEpoch;
    }

    /// <summary>The schedule's position; its type must be this run's (a file from before schedules had names is linear).</summary>
    static SchedulerState LoadSchedulerState(string path, LearningRateSchedule current)
    {
        var saved = (File.Exists(path) ? JsonSerializer.Deserialize<SchedulerState>(File.ReadAllText(path)) : null)
            ?? throw new InvalidDataException($"{path} is missing or empty, so the learning-rate schedule cannot continue; " +
                "start a new run instead.");
        var savedType = saved.Schedule?.Type ?? LearningRateSchedule.Linear;
        if (savedType != current.Type)
            throw new ArgumentException(
                $"{path} continues a '{savedType}' schedule, but LrSchedulerType is '{current.Type}'; " +
                    $"resume with '{savedType}' or start a new run.");
        return saved;
    }

    void LoadModelWeights(string folder)
    {
        var weights = CheckpointFiles.LoadStateDict(folder);
        try
        {
            _model.load_state_dict(weights, strict: true);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>scheduler.json: HF's scheduler state_dict (last_epoch) with the schedule it belongs to.</summary>
    sealed record SchedulerState(int LastEpoch, LearningRateSchedule? Schedule);
}
