using System.Text;

namespace BertNotebooks.Data;

/// <summary>
/// RFC 4180 records: fields split by a delimiter, quoted fields may hold delimiters, line breaks and doubled quotes.
/// A quote inside an unquoted field is kept as a character (as Python's csv and pandas do). Empty lines are skipped.
/// </summary>
public static class CsvParser
{
    /// <summary>The records of <paramref name="text"/>, each with the line it starts on.</summary>
    public static IEnumerable<(int Line, string[] Fields)> Parse(string text, char delimiter, string path)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var i = 0;
        while (i < text.Length)
        {
            recordLine = line;
            fields.Clear();
            while (true)
            {
                field.Clear();
                if (i < text.Length && text[i] == '"')
                {
                    var quoteLine = line;
                    i++;
                    while (true)
                    {
                        if (i >= text.Length)
                            throw new DatasetFormatException(path, quoteLine,
                                "a quoted field is never closed: " +
                                "every opening \" needs a closing \", and a \" inside a quoted field is written \"\".");
                        var c = text[i++];
                        if (c == '"')
                        {
                            if (i < text.Length && text[i] == '"') { field.Append('"'); i++; continue; }
                            break;
                        }
                        if (c == '\n') line++;
                        field.Append(c);
                    }
                    if (i < text.Length && text[i] != delimiter && text[i] != '\n'
                        && !(text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n'))
                        throw new DatasetFormatException(path, line,
                            $"text follows a closing quote ('{Preview(text, i)}'): " +
                            "quote the whole field, and write a \" inside it as \"\".");
                }
                else
                {
                    while (i < text.Length && text[i] != delimiter && text[i] != '\n'
                        && !(text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n'))
                        field.Append(text[i++]);
                }
                fields.Add(field.ToString());
                if (i < text.Length && text[i] == delimiter) { i++; continue; }
                break;
            }
            if (i < text.Length && text[i] == '\r') i++;
            if (i < text.Length && text[i] == '\n') { i++; line++; }
            if (fields is [""]) continue;
            yield return (recordLine, fields.ToArray());
        }
    }

    static string Preview(string text, int at) => text.Substring(at, Math.Min(20, text.Length - at)).Split('\n')[0];
}
