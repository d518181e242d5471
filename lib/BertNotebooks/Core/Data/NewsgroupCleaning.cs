using System.Text.RegularExpressions;

namespace BertNotebooks.Data;

/// <summary>
/// Which parts of a message <see cref="NewsgroupCleaning.Clean"/> removes: scikit-learn's <c>remove=("headers","footers","quotes")</c>.
/// </summary>
public sealed record NewsgroupCleaningOptions(bool RemoveHeaders = true, bool RemoveFooters = true, bool RemoveQuotes = true)
{
    /// <summary>All three steps, as the tutorial does, so the model cannot learn the newsgroup from headers and signatures.</summary>
    public static NewsgroupCleaningOptions All { get; } = new();

    /// <summary>The raw messages.</summary>
    public static NewsgroupCleaningOptions None { get; } = new(false, false, false);
}

/// <summary>
/// scikit-learn 1.2.1's <c>strip_newsgroup_header</c>, <c>strip_newsgroup_footer</c> and <c>strip_newsgroup_quoting</c>,
/// character for character, so that texts (and so accuracies) compare with Python tutorials.
/// </summary>
public static class NewsgroupCleaning
{
    // Python's re without MULTILINE: ^ anchors at the start of the line string only, as in .NET without RegexOptions.Multiline.
    static readonly Regex QuoteLine = new(@"(writes in|writes:|wrote:|says:|said:|^In article|^Quoted from|^\||^>)",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    /// <summary>Applies the chosen steps in scikit-learn's order: headers, footers, quotes.</summary>
    public static string Clean(string message, NewsgroupCleaningOptions options)
    {
        var text = message;
        if (options.RemoveHeaders) text = StripHeader(text);
        if (options.RemoveFooters) text = StripFooter(text);
        if (options.RemoveQuotes) text = StripQuoting(text);
        return text;
    }

    /// <summary>Everything after the first blank line (<c>text.partition("\n\n")[2]</c>): empty when there is none.</summary>
    public static string StripHeader(string text)
    {
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        return blank < 0 ? "" : text[(blank + 2)..];
    }

    /// <summary>
    /// Drops the signature: everything from the last line that is blank or made of hyphens, in the stripped text, unless
    /// that line is the first one (then the text comes back unchanged, unstripped).
    /// </summary>
    public static string StripFooter(string text)
    {
        var lines = PythonStrip(text).Split('\n');
        var lineNum = lines.Length - 1;
        for (; lineNum >= 0; lineNum--)
            if (PythonStrip(lines[lineNum]).Trim('-').Length == 0) break;
        // Python's loop variable keeps its last value (0) when the loop ends without a break.
        return lineNum > 0 ? string.Join('\n', lines, 0, lineNum) : text;
    }

    /// <summary>Drops quoted lines (starting with &gt; or |) and lines that introduce a quote ("writes:", "In article", ...).</summary>
    public static string StripQuoting(string text) =>
        string.Join('\n', text.Split('\n').Where(line => !QuoteLine.IsMatch(line)));

    /// <summary>Python's <c>str.strip()</c>: .NET's white space plus the separators U+001C..U+001F, which Python also strips.</summary>
    internal static string PythonStrip(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonWhiteSpace(text[start])) start++;
        while (end > start && IsPythonWhiteSpace(text[end - 1])) end--;
        return text[start..end];
    }

    static bool IsPythonWhiteSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f';
}
