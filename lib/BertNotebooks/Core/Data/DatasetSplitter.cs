namespace BertNotebooks.Data;

/// <summary>Seeded train/validation split, optionally stratified by label.</summary>
public static class DatasetSplitter
{
    /// <summary>
    /// Shuffles <paramref name="data"/> with <see cref="SplitOptions.Seed"/> and cuts off a validation set.
    /// <paramref name="whereIs"/> names an example's origin (file and line) for error messages.
    /// </summary>
    public static (TextDataset Train, TextDataset Validation) Split(TextDataset data, SplitOptions options,
        Func<int, string>? whereIs = null)
    {
        if (options.ValidationFraction is <= 0 or >= 1 || double.IsNaN(options.ValidationFraction))
            throw new ArgumentOutOfRangeException(nameof(options), options.ValidationFraction,
                "ValidationFraction must lie strictly between 0 and 1, for example 0.2.");
        if (data.Count < 2)
            throw new ArgumentException($"Splitting needs at least 2 examples; the dataset has {data.Count}. " +
                "Add examples or provide a validation file.");

        var random = new SplitMix64(unchecked((ulong)options.Seed));
        var (train, validation) = options.Stratify
            ? Stratified(data, options.ValidationFraction, random, whereIs)
            : Plain(data.Count, options.ValidationFraction, random);
        // Stratified picks come out grouped by class; mixing them again keeps batches taken in order from being one class.
        random.Shuffle(train);
        random.Shuffle(validation);
        return (Subset(data, train), Subset(data, validation));
    }

    static (List<int> Train, List<int> Validation) Plain(int count, double fraction, SplitMix64 random)
    {
        var order = Enumerable.Range(0, count).ToList();
        random.Shuffle(order);
        var validationCount = Math.Clamp((int)Math.Round(count * fraction, MidpointRounding.AwayFromZero), 1, count - 1);
        return (order[validationCount..], order[..validationCount]);
    }

    static (List<int> Train, List<int> Validation) Stratified(TextDataset data, double fraction, SplitMix64 random,
        Func<int, string>? whereIs)
    {
        var byClass = Enumerable.Range(0, data.NumLabels).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < data.Count; i++) byClass[data.Examples[i].Label].Add(i);

        var train = new List<int>(data.Count);
        var validation = new List<int>();
        for (var label = 0; label < byClass.Length; label++)
        {
            var members = byClass[label];
            if (members.Count == 0) continue;
            if (members.Count == 1)
                throw new InvalidDataException(
                    $"Label '{data.ClassNames[label]}' has a single example{(whereIs is null ? "" : $" ({whereIs(members[0])})")}: " +
                    "a stratified split needs at least 2 per label. " +
                    "Add examples of it, remove it, or split without stratifying (Stratify = false).");
            random.Shuffle(members);
            // At least one of each class on both sides, so that validation sees every class that training does.
            var take = Math.Clamp((int)Math.Round(members.Count * fraction, MidpointRounding.AwayFromZero), 1, members.Count - 1);
            validation.AddRange(members[..take]);
            train.AddRange(members[take..]);
        }
        return (train, validation);
    }

    static TextDataset Subset(TextDataset data, List<int> indices) =>
        new(indices.Select(i => data.Examples[i]).ToArray(), data.ClassNames);
}
