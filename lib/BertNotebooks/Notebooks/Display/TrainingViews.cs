using System.Text.RegularExpressions;
using BertNotebooks.Recipe;
using BertNotebooks.Training;
using Microsoft.Data.Analysis;

namespace BertNotebooks.Display;

/// <summary>The Trainer's arguments as a table: each under its C# name and Hugging Face's, paths relative to the checkout.</summary>
public static partial class TrainingViews
{
    public static DataFrame ToDataFrame(this TrainingArguments arguments)
    {
        var rows = typeof(TrainingArguments).GetProperties().Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => (p.Name, Snake(p.Name), p.GetValue(arguments) is string text && p.Name.EndsWith("Dir", StringComparison.Ordinal)
                ? BertPaths.ForDisplay(text)
                : RunParameters.Format(p.GetValue(arguments))))
            .ToList();
        return new DataFrame(
            new StringDataFrameColumn("argument", rows.Select(r => r.Item1)),
            new StringDataFrameColumn("Hugging Face", rows.Select(r => r.Item2)),
            new StringDataFrameColumn("value", rows.Select(r => r.Item3)));
    }

    /// <summary>LearningRate → learning_rate: the name in Hugging Face's TrainingArguments (and its JSON).</summary>
    public static string Snake(string name) => UpperAfterLower().Replace(name, "$1_$2").ToLowerInvariant();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex UpperAfterLower();
}
