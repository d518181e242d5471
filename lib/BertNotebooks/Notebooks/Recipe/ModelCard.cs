using System.Globalization;
using System.Text;
using BertNotebooks.IO;
using BertNotebooks.Pretrained;
using BertNotebooks.Training;

namespace BertNotebooks.Recipe;

/// <summary>
/// README.md for a saved model, as the Hugging Face Hub shows it: YAML front matter (license, base model, tags, the
/// best evaluation metric) and what the model is, what it was trained on and with which settings.
/// </summary>
public static class ModelCard
{
    public const string FileName = "README.md";

    public static void Write(string folder, RunSettings run, TrainerState state, IReadOnlyList<string> classNames)
    {
        var known = PretrainedModels.Known.FirstOrDefault(k => k.Matches(run.Model));
        var baseModel = known?.Aliases.FirstOrDefault(a => a.Contains('/')) ?? run.Model;
        var license = known?.License;
        var card = new StringBuilder();
        card.AppendLine("---");
        card.AppendLine(license is null
            ? "license: other  # the base model's license applies: see its model card"
            : $"license: {license.ToLowerInvariant()}");
        card.AppendLine($"base_model: {baseModel}");
        card.AppendLine("library_name: bertnotebooks");
        card.AppendLine("pipeline_tag: text-classification");
        card.AppendLine("tags: [bert, text-classification, torchsharp]");
        card.AppendLine("---");
        card.AppendLine();
        card.AppendLine($"# {Path.GetFileName(Path.GetFullPath(run.RunDir))}: {baseModel} fine-tuned for text classification");
        card.AppendLine();
        card.AppendLine($"Fine-tuned with BertNotebooks (C#, TorchSharp) from `{baseModel}` on `{run.Dataset}`, " +
                        $"{classNames.Count} classes: " +
                        string.Join(", ", classNames.Select(c => $"`{c}`")) + ".");
        card.AppendLine("The folder is a Hugging Face folder: `AutoModelForSequenceClassification` and `AutoTokenizer` load it.");
        card.AppendLine();
        card.AppendLine("## Training");
        card.AppendLine();
        card.AppendLine("| setting | value |");
        card.AppendLine("| --- | --- |");
        foreach (var (name, value) in Settings(run)) card.AppendLine($"| {name} | {value} |");
        card.AppendLine($"| steps | {state.GlobalStep} of {state.MaxSteps} |");
        card.AppendLine();
        card.AppendLine("## Evaluation");
        card.AppendLine();
        card.AppendLine(state.BestMetric is { } best
            ? string.Create(CultureInfo.InvariantCulture,
                $"Best validation {run.MetricForBestModel}: {best:F4} (step {state.BestGlobalStep}); these weights are that checkpoint's.")
            : "No evaluation ran during training; see metrics.json in the run folder after 05-evaluation.");
        card.AppendLine();
        card.AppendLine("## License");
        card.AppendLine();
        card.AppendLine(license is null
            ? "These weights derive from the base model; its license applies (see its model card)."
            : $"These weights derive from `{baseModel}`, licensed {license}; the same license applies to them.");
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), card.ToString());
    }

    /// <summary>The run's settings as a notebook's parameters cell and <c>-p name=value</c> spell them.</summary>
    static IEnumerable<(string, string)> Settings(RunSettings run) =>
        RunParameters.Settings.Where(p => p.Name != nameof(RunSettings.RunName))
            .Select(p => (RunParameters.Camel(p.Name), RunParameters.Format(p.GetValue(run))));
}
