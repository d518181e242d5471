using BertNotebooks.Recipe;
using Microsoft.Data.Analysis;

namespace BertNotebooks.Display;

/// <summary>A run's settings as a table: what a notebook shows of <c>run</c>, with its folder relative to the checkout.</summary>
public static class RunViews
{
    /// <summary>One row per setting (the names C# and run.json use), then the run folder, relative to the checkout.</summary>
    public static DataFrame ToDataFrame(this RunSettings run)
    {
        var rows = RunParameters.Settings.Where(s => s.Name != nameof(RunSettings.RunName))
            .Select(s => (s.Name, RunParameters.Format(s.GetValue(run))))
            .Append(("run folder", BertPaths.ForDisplay(run.RunDir)))
            .ToList();
        return new DataFrame(
            new StringDataFrameColumn("setting", rows.Select(r => r.Item1)),
            new StringDataFrameColumn("value", rows.Select(r => r.Item2)));
    }
}
