using Microsoft.Data.Analysis;

namespace BertNotebooks.Display;

/// <summary>The Trainer's log entries (HF's log_history) as a table: a row per entry, a column per key, empty where not logged.</summary>
public static class LogHistory
{
    public static DataFrame ToDataFrame(IEnumerable<IReadOnlyDictionary<string, double>> entries)
    {
        var rows = entries.ToList();
        var keys = rows.SelectMany(r => r.Keys).Distinct().OrderBy(k => k == "step" ? 0 : k == "epoch" ? 1 : 2).ToList();
        return new DataFrame(keys.Select(k => (DataFrameColumn)new DoubleDataFrameColumn(k,
            rows.Select(r => r.TryGetValue(k, out var v) ? Math.Round(v, 6) : (double?)null))));
    }
}
