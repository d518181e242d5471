using System.Text.Json;
using BertNotebooks.Data;
using BertNotebooks.Tests.TestSupport;

namespace BertNotebooks.Tests.Data;

public class NewsgroupCleaningTests
{
    sealed record Case(string name, string raw, string no_header, string no_header_footer, string cleaned);
    sealed record Fixture(List<Case> cases);

    [FixtureFact("sklearn-cleaning.json")]
    public void Every_stage_matches_scikit_learn_character_for_character()
    {
        var fixture = JsonSerializer.Deserialize<Fixture>(File.ReadAllText(Shared.Fixture("sklearn-cleaning.json")))!;
        Assert.True(fixture.cases.Count >= 200, $"expected the 212 reference cases, found {fixture.cases.Count}");
        var failures = new List<string>();
        foreach (var (c, i) in fixture.cases.Select((c, i) => (c, i)))
        {
            var noHeader = NewsgroupCleaning.StripHeader(c.raw);
            var noFooter = NewsgroupCleaning.StripFooter(noHeader);
            var cleaned = NewsgroupCleaning.StripQuoting(noFooter);
            if (noHeader != c.no_header) failures.Add($"case {i} ({c.name}): no_header");
            if (noFooter != c.no_header_footer) failures.Add($"case {i} ({c.name}): no_header_footer");
            if (cleaned != c.cleaned) failures.Add($"case {i} ({c.name}): cleaned");
            if (NewsgroupCleaning.Clean(c.raw, NewsgroupCleaningOptions.All) != c.cleaned) failures.Add($"case {i} ({c.name}): Clean");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void Options_switch_each_step()
    {
        const string message = "From: a\n\n> quoted\nbody\n\n-- \nsig";
        Assert.Equal(message, NewsgroupCleaning.Clean(message, NewsgroupCleaningOptions.None));
        Assert.Equal("> quoted\nbody\n\n-- \nsig", NewsgroupCleaning.Clean(message, new(RemoveFooters: false, RemoveQuotes: false)));
        Assert.Equal("body\n\n-- \nsig", NewsgroupCleaning.Clean(message, new(RemoveFooters: false)));
        Assert.Equal("body\n", NewsgroupCleaning.Clean(message, NewsgroupCleaningOptions.All));
    }

    [Fact]
    public void Footer_strip_uses_python_whitespace_including_file_separators()
    {
        // Python's str.strip() removes U+001C..U+001F; .NET's Trim() does not.
        Assert.Equal("body", NewsgroupCleaning.StripFooter("body\n\u001c\nsig"));
    }
}
