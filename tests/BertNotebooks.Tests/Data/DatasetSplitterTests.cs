using BertNotebooks.Data;

namespace BertNotebooks.Tests.Data;

public class DatasetSplitterTests
{
    static TextDataset Synthetic(params int[] perClass)
    {
        var examples = perClass.SelectMany((n, label) => Enumerable.Range(0, n)
            .Select(i => new TextExample($"c{label} #{i}", null, label))).ToArray();
        return new TextDataset(examples, perClass.Select((_, i) => $"class{i}").ToArray());
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var data = Synthetic(50, 30, 20);
        var options = new SplitOptions(Seed: 123, Stratify: false);

        var first = DatasetSplitter.Split(data, options);
        var again = DatasetSplitter.Split(data, options);
        var other = DatasetSplitter.Split(data, options with { Seed = 124 });

        Assert.Equal(first.Train.Examples, again.Train.Examples);
        Assert.Equal(first.Validation.Examples, again.Validation.Examples);
        Assert.NotEqual(first.Validation.Examples, other.Validation.Examples);
        Assert.Equal(20, first.Validation.Count);
        Assert.Equal(data.Examples.Order(ExampleOrder), first.Train.Examples.Concat(first.Validation.Examples).Order(ExampleOrder));
    }

    [Fact]
    public void The_split_is_pinned_across_machines_and_runtimes()
    {
        // SplitMix64 is specified bit for bit; System.Random is not. Reference values of the published algorithm, seed 0.
        var random = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, random.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, random.NextUInt64());
    }

    [Fact]
    public void A_stratified_split_keeps_each_class_share()
    {
        var data = Synthetic(100, 40, 10, 2);

        var (train, validation) = DatasetSplitter.Split(data, new SplitOptions(ValidationFraction: 0.25, Seed: 5, Stratify: true));

        Assert.Equal([25, 10, 3, 1], validation.CountPerClass());   // 2.5 rounds away from zero; a class of 2 still gives one to each side
        Assert.Equal([75, 30, 7, 1], train.CountPerClass());
        // Not left grouped by class, so a sequential reader does not see one class at a time.
        Assert.NotEqual(validation.Examples.OrderBy(e => e.Label).Select(e => e.Label), validation.Examples.Select(e => e.Label));
    }

    [Fact]
    public void A_label_with_one_example_cannot_be_stratified_and_the_error_says_where_it_is()
    {
        var data = Synthetic(10, 1);

        var error = Assert.Throws<InvalidDataException>(() => DatasetSplitter.Split(data, new SplitOptions(), i => $"row {i}"));

        Assert.Contains("'class1' has a single example (row 10)", error.Message);
        Assert.Contains("Stratify = false", error.Message);
        Assert.Equal(2, DatasetSplitter.Split(data, new SplitOptions(Stratify: false)).Validation.Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    public void A_fraction_outside_zero_to_one_is_refused(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplitter.Split(Synthetic(5, 5), new SplitOptions(fraction)));

    static readonly Comparer<TextExample> ExampleOrder = Comparer<TextExample>.Create((a, b) => string.CompareOrdinal(a.Text, b.Text));
}
