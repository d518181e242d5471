using System.Text.Json;
using System.Text.Json.Serialization;
using BertNotebooks.IO;

namespace BertNotebooks.Training;

/// <summary>trainer_state.json, with the field names of the HF Trainer so that its tools (and readers) understand it.</summary>
public sealed class TrainerState
{
    [JsonPropertyName("global_step")] public int GlobalStep { get; set; }
    [JsonPropertyName("epoch")] public double Epoch { get; set; }
    [JsonPropertyName("max_steps")] public int MaxSteps { get; set; }
    [JsonPropertyName("num_train_epochs")] public int NumTrainEpochs { get; set; }
    [JsonPropertyName("logging_steps")] public int LoggingSteps { get; set; }
    [JsonPropertyName("eval_steps")] public int EvalSteps { get; set; }
    [JsonPropertyName("save_steps")] public int SaveSteps { get; set; }
    [JsonPropertyName("train_batch_size")] public int TrainBatchSize { get; set; }
    [JsonPropertyName("best_metric")] public double? BestMetric { get; set; }
    [JsonPropertyName("best_global_step")] public int? BestGlobalStep { get; set; }
    [JsonPropertyName("best_model_checkpoint")] public string? BestModelCheckpoint { get; set; }
    /// <summary>Evaluations in a row without improvement (HF keeps it in its EarlyStoppingCallback's state).</summary>
    [JsonPropertyName("early_stopping_patience_counter")] public int EarlyStoppingPatienceCounter { get; set; }
    [JsonPropertyName("log_history")] public List<Dictionary<string, double>> LogHistory { get; set; } = [];

    // A diverged evaluation may log NaN; Python's json (and so HF) writes it too, so it must not stop a save.
    static readonly JsonSerializerOptions Options =
        new(Json.Indented) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>One logged value over training, for charts: the steps where
    /// <paramref name="key"/> (loss, eval_accuracy, …) was logged.</summary>
    public (int[] Steps, double[] Values) Series(string key)
    {
        var points = LogHistory.Where(e => e.ContainsKey(key)).Select(e => ((int)e["step"], e[key])).ToList();
        return (points.Select(p => p.Item1).ToArray(), points.Select(p => p.Item2).ToArray());
    }

    public void Save(string path) => AtomicFile.WriteJson(path, this, Options);

    public static TrainerState Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: this folder is not a Trainer checkpoint.", path);
        return JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path} holds no trainer state.");
    }
}
