namespace BertNotebooks.Data;

/// <summary>Labelled texts and the names of their classes: the shape every later stage (tokenizing, training, evaluation) reads.</summary>
public sealed record TextDataset
{
    public TextDataset(IReadOnlyList<TextExample> examples, IReadOnlyList<string> classNames)
    {
        if (classNames.Count == 0) throw new ArgumentException("A dataset needs at least one class name.", nameof(classNames));
        for (var i = 0; i < examples.Count; i++)
            if ((uint)examples[i].Label >= (uint)classNames.Count)
                throw new ArgumentException($"Example {i} has label {examples[i].Label}, outside the {classNames.Count} class names.",
                    nameof(examples));
        Examples = examples;
        ClassNames = classNames;
    }

    public IReadOnlyList<TextExample> Examples { get; }
    public IReadOnlyList<string> ClassNames { get; }

    public int Count => Examples.Count;

    /// <summary>num_labels in Hugging Face terms.</summary>
    public int NumLabels => ClassNames.Count;

    /// <summary>How many examples each class has, indexed by label.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassNames.Count];
        foreach (var example in Examples) counts[example.Label]++;
        return counts;
    }
}
