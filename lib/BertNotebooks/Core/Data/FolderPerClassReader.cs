namespace BertNotebooks.Data;

/// <summary>
/// <c>root/&lt;label&gt;/*.txt</c>: each sub-folder is a class, each UTF-8 .txt file in it one example. Other files are not
/// data (a README, .DS_Store) and are passed over.
/// </summary>
public sealed class FolderPerClassReader : ILabelledRowReader
{
    public List<LabelledRow> Read(string path, RowProblems problems)
    {
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"{path} is not a folder: a folder dataset is root/<label>/<example>.txt.");
        var rows = new List<LabelledRow>();
        foreach (var folder in Directory.GetDirectories(path).Order(StringComparer.Ordinal))
        {
            var files = Directory.GetFiles(folder, "*.txt").Order(StringComparer.Ordinal).ToList();
            // A class without texts would silently drop out of the model's classes.
            if (files.Count == 0)
                throw new DatasetFormatException(folder, null,
                    $"the class folder '{Path.GetFileName(folder)}' holds no .txt files: " +
                    "add its texts, or remove the folder to train without that class.");
            foreach (var file in files)
            {
                var text = TextFileDecoder.Decode(File.ReadAllBytes(file), file);
                rows.Add(new LabelledRow(file, 1, text, null, Path.GetFileName(folder)));
            }
        }
        if (rows.Count == 0)
            throw new DatasetFormatException(path, null, "no examples: put each class's texts in root/<label>/<name>.txt.");
        return rows;
    }
}
