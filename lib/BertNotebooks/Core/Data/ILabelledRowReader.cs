namespace BertNotebooks.Data;

/// <summary>Reads one file (or folder) of labelled texts, in file order, reporting bad rows to <see cref="RowProblems"/>.</summary>
public interface ILabelledRowReader
{
    List<LabelledRow> Read(string path, RowProblems problems);
}
