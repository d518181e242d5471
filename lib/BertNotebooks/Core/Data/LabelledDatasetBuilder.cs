using System.Globalization;

namespace BertNotebooks.Data;

/// <summary>
/// Turns rows read from files into <see cref="DatasetSplits"/>: checks each row, numbers the labels in a stable order,
/// and makes a seeded validation split when no validation file is given.
/// </summary>
public static class LabelledDatasetBuilder
{
    public static DatasetSplits Build(string trainPath, List<LabelledRow> train, List<LabelledRow>? validation, List<LabelledRow>? test,
        SplitOptions split, RowProblems problems)
    {
        var trainRows = Usable(train, problems);
        if (trainRows.Count == 0)
            throw new DatasetFormatException(trainPath, null,
                $"no usable rows{(problems.Skipped.Count > 0 ? $" ({problems.Skipped.Count} bad rows were skipped)" : "")}: " +
                "add labelled examples.");
        var classNames = ClassNames(trainRows.Select(r => r.Label));
        var labelOf = classNames.Select((name, index) => (name, index)).ToDictionary(p => p.name, p => p.index, StringComparer.Ordinal);

        TextDataset ToDataset(List<LabelledRow> rows) =>
            new(rows.Select(r => new TextExample(r.Text, r.TextPair, labelOf[r.Label])).ToArray(), classNames);

        List<LabelledRow> Known(List<LabelledRow> rows)
        {
            var known = new List<LabelledRow>(rows.Count);
            foreach (var row in Usable(rows, problems))
                if (labelOf.ContainsKey(row.Label)) known.Add(row);
                else problems.Report(row.File, row.Line,
                    $"label '{row.Label}' does not occur in the training data ({trainPath}; its labels: " +
                    $"{string.Join(", ", classNames)}). Fix the label, or add training examples of it");
            return known;
        }

        var all = ToDataset(trainRows);
        var (trainSet, validationSet) = validation is null
            ? DatasetSplitter.Split(all, split, i => $"{trainRows[i].File} line {trainRows[i].Line}")
            : (all, ToDataset(Known(validation)));
        var testSet = test is null ? null : ToDataset(Known(test));
        return new DatasetSplits(trainSet, validationSet, testSet, problems.Skipped);
    }

    /// <summary>
    /// Labels in a stable order: numerically when every label is an integer (so "10" follows "9"), else by ordinal string order.
    /// </summary>
    public static string[] ClassNames(IEnumerable<string> labels)
    {
        var distinct = labels.Distinct(StringComparer.Ordinal).ToArray();
        var numbers = distinct
            .Select(l => long.TryParse(l, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : (long?)null)
            .ToArray();
        return numbers.All(n => n is not null)
            ? distinct.Zip(numbers).OrderBy(p => p.Second).ThenBy(p => p.First, StringComparer.Ordinal).Select(p => p.First).ToArray()
            : distinct.Order(StringComparer.Ordinal).ToArray();
    }

    static List<LabelledRow> Usable(List<LabelledRow> rows, RowProblems problems)
    {
        var usable = new List<LabelledRow>(rows.Count);
        foreach (var row in rows)
        {
            if (string.IsNullOrWhiteSpace(row.Text)) problems.Report(row.File, row.Line,
                "the text is empty: write the text, or delete the row");
            else if (row.TextPair is { } pair && string.IsNullOrWhiteSpace(pair)) problems.Report(row.File, row.Line,
                "the second text (pair) is empty: write it, or delete the row");
            else if (string.IsNullOrWhiteSpace(row.Label)) problems.Report(row.File, row.Line,
                "the label is empty: write the row's label, or delete the row");
            else usable.Add(row);
        }
        return usable;
    }
}
