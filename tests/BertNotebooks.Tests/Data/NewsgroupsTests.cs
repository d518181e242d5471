using System.Diagnostics;
using System.Security.Cryptography;
using BertNotebooks.Data;
using BertNotebooks.IO;
using BertNotebooks.Tests.TestSupport;
using Xunit.Abstractions;

namespace BertNotebooks.Tests.Data;

public class NewsgroupsTests(ITestOutputHelper output)
{
    static readonly string[] TwentyGroups =
    [
        "alt.atheism", "comp.graphics", "comp.os.ms-windows.misc", "comp.sys.ibm.pc.hardware", "comp.sys.mac.hardware",
        "comp.windows.x", "misc.forsale", "rec.autos", "rec.motorcycles", "rec.sport.baseball", "rec.sport.hockey",
        "sci.crypt", "sci.electronics", "sci.med", "sci.space", "soc.religion.christian", "talk.politics.guns",
        "talk.politics.mideast", "talk.politics.misc", "talk.religion.misc",
    ];

    static NewsgroupsOptions Local(string source) =>
        new() { LocalSource = source, AllowDownload = false, CacheDirectory = "/nonexistent-bertnb-cache" };

    [SharedDataFact("20news-bydate.tar.gz")]
    public void The_shared_archive_has_scikit_learns_counts_and_class_names()
    {
        var options = Local(Shared.Data("20news-bydate.tar.gz"));
        var watch = Stopwatch.StartNew();
        var all = Newsgroups.Load(NewsgroupsSubset.All, options);
        output.WriteLine($"load all + clean: {watch.Elapsed.TotalSeconds:F2} s for {all.Count} messages");
        var train = Newsgroups.Load(NewsgroupsSubset.Train, options);
        var test = Newsgroups.Load(NewsgroupsSubset.Test, options);

        Assert.Equal(11314, train.Count);
        Assert.Equal(7532, test.Count);
        Assert.Equal(TwentyGroups, train.ClassNames);
        Assert.Equal(TwentyGroups, all.ClassNames);
        Assert.Equal(train.Examples.Concat(test.Examples), all.Examples);
        Assert.Equal(480, train.CountPerClass()[0]);
        Assert.Equal(251, test.CountPerClass()[19]);
    }

    [SharedDataFact("20news-bydate.tar.gz")]
    public void The_shared_archive_splits_into_train_validation_and_test()
    {
        var options = Local(Shared.Data("20news-bydate.tar.gz")) with { Subset = NewsgroupsSubset.Train };
        var splits = Newsgroups.LoadSplits(new SplitOptions(Seed: 7), options);
        var perClass = Newsgroups.Load(NewsgroupsSubset.Train, options).CountPerClass();

        // Stratified: a fifth of each class, rounded.
        Assert.Equal(perClass.Select(n => (int)Math.Round(n * 0.2, MidpointRounding.AwayFromZero)), splits.Validation.CountPerClass());
        Assert.Equal(11314, splits.Train.Count + splits.Validation.Count);
        Assert.Equal(7532, splits.Test!.Count);
    }

    [SharedDataFact("20news-bydate.tar.gz")]
    public void The_tutorial_split_pools_all_messages_80_20_without_a_test_set()
    {
        var options = Local(Shared.Data("20news-bydate.tar.gz"));
        var splits = DatasetSpec.Parse("20newsgroups")
            .Load(new DatasetLoadOptions { Split = new SplitOptions(Seed: 42), Newsgroups = options });
        var perClass = Newsgroups.Load(NewsgroupsSubset.All, options).CountPerClass();

        Assert.Equal(18846, splits.Train.Count + splits.Validation.Count);
        Assert.Equal(perClass.Select(n => (int)Math.Round(n * 0.2, MidpointRounding.AwayFromZero)), splits.Validation.CountPerClass());
        Assert.Null(splits.Test);
        Assert.Equal("20newsgroups?subset=train", DatasetSpec.Parse("20newsgroups?subset=train").ToString());
    }

    [Fact]
    public void Messages_come_in_sorted_path_order_with_sorted_class_names_cleaned_and_latin1()
    {
        using var temp = new TempFolder();
        var archive = TestArchives.Write(Path.Combine(temp.Path, "a.tar.gz"), TestArchives.TinyCorpus);

        var train = Newsgroups.Load(NewsgroupsSubset.Train, Local(archive));

        Assert.Equal(["alt.atheism", "rec.autos", "sci.space"], train.ClassNames);
        // Ordinal order of file names, as Python's sorted(): "10" before "9".
        Assert.Equal(["answer\n", "short\n", "engine \u00e9\n", "wheels\n", "moon\n", "mars\n"], train.Examples.Select(e => e.Text));
        Assert.Equal([0, 0, 1, 1, 2, 2], train.Examples.Select(e => e.Label));
        var raw = Newsgroups.Load(NewsgroupsSubset.Train, Local(archive) with { Cleaning = NewsgroupCleaningOptions.None });
        Assert.StartsWith("Subject: b\n", raw.Examples[0].Text);
    }

    [Fact]
    public void All_is_train_then_test_and_a_folder_reads_like_the_archive()
    {
        using var temp = new TempFolder();
        var archive = TestArchives.Write(Path.Combine(temp.Path, "a.tar.gz"), TestArchives.TinyCorpus);
        var folder = TestArchives.WriteFolder(Path.Combine(temp.Path, "extracted"), TestArchives.TinyCorpus);

        var all = Newsgroups.Load(NewsgroupsSubset.All, Local(archive));

        Assert.Equal(9, all.Count);
        Assert.Equal(["belief test\n", "car test\n", "orbit test\n"], all.Examples.Skip(6).Select(e => e.Text));
        Assert.Equal(all.Examples, Newsgroups.Load(NewsgroupsSubset.All, Local(folder)).Examples);
        Assert.Equal(3, Newsgroups.Load(NewsgroupsSubset.Test, Local(folder)).Count);
    }

    [Fact]
    public void Categories_keep_sorted_order_and_renumber_labels()
    {
        using var temp = new TempFolder();
        var archive = TestArchives.Write(Path.Combine(temp.Path, "a.tar.gz"), TestArchives.TinyCorpus);

        var some = Newsgroups.Load(NewsgroupsSubset.Train, Local(archive) with { Categories = ["sci.space", "alt.atheism"] });

        Assert.Equal(["alt.atheism", "sci.space"], some.ClassNames);
        Assert.Equal([0, 0, 1, 1], some.Examples.Select(e => e.Label));
        var error = Assert.Throws<ArgumentException>(() =>
            Newsgroups.Load(NewsgroupsSubset.Train, Local(archive) with { Categories = ["sci.spaec"] }));
        Assert.Contains("'sci.spaec'", error.Message);
        Assert.Contains("alt.atheism, rec.autos, sci.space", error.Message);
    }

    [Fact]
    public void A_corrupt_gzip_names_the_file_and_says_to_download_again()
    {
        using var temp = new TempFolder();
        var path = temp.File("bad.tar.gz", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

        var error = Assert.Throws<DatasetFormatException>(() => Newsgroups.Load(NewsgroupsSubset.Train, Local(path)));

        Assert.Equal(path, error.File);
        Assert.Contains("download it again", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_gzip_is_named()
    {
        using var temp = new TempFolder();
        var path = temp.File("plain.tar.gz", "just text, not an archive");

        var error = Assert.Throws<DatasetFormatException>(() => Newsgroups.Load(NewsgroupsSubset.Train, Local(path)));

        Assert.Contains("neither a gzip file nor a tar archive", error.Message);
    }

    [Fact]
    public void A_truncated_archive_is_detected_wherever_it_is_cut()
    {
        using var temp = new TempFolder();
        var whole = File.ReadAllBytes(TestArchives.Write(Path.Combine(temp.Path, "a.tar.gz"), TestArchives.TinyCorpus));
        foreach (var fraction in new[] { 0.1, 0.3, 0.5, 0.7, 0.9, 0.99 })
        {
            var path = temp.File($"cut{fraction}.tar.gz", whole[..(int)(whole.Length * fraction)]);
            var error = Assert.Throws<DatasetFormatException>(() => Newsgroups.Load(NewsgroupsSubset.All, Local(path)));
            Assert.Contains("truncated", error.Message);
        }
        var lastBytesCut = temp.File("cut-trailer.tar.gz", whole[..^3]);
        Assert.Throws<DatasetFormatException>(() => Newsgroups.Load(NewsgroupsSubset.All, Local(lastBytesCut)));
    }

    [Theory]
    [InlineData("README", "unexpected entry 'README'")]
    [InlineData("20news-bydate-train/orphan", "unexpected entry '20news-bydate-train/orphan'")]
    [InlineData("20news-bydate-train/sci.space/sub/9", "unexpected entry")]
    [InlineData("other/sci.space/9", "unexpected entry 'other/")]
    [InlineData("../x", "'..'")]
    [InlineData("20news-bydate-train/../../x", "'..'")]
    [InlineData("/etc/x", "absolute path")]
    public void Entries_outside_the_layout_or_the_archive_are_rejected(string entry, string expected)
    {
        using var temp = new TempFolder();
        var path = TestArchives.Write(Path.Combine(temp.Path, "a.tar.gz"), TestArchives.TinyCorpus.Append((entry, "x")));

        var error = Assert.Throws<DatasetFormatException>(() => Newsgroups.Load(NewsgroupsSubset.Train, Local(path)));

        Assert.Contains(expected, error.Message);
        Assert.StartsWith(path, error.Message);
    }

    [Fact]
    public void A_missing_split_folder_is_named()
    {
        using var temp = new TempFolder();
        var path = TestArchives.Write(Path.Combine(temp.Path, "a.tar.gz"),
            TestArchives.TinyCorpus.Where(f => f.Name.StartsWith("20news-bydate-test/")));

        var error = Assert.Throws<DatasetFormatException>(() => Newsgroups.Load(NewsgroupsSubset.Train, Local(path)));

        Assert.Contains("no 20news-bydate-train/ folder", error.Message);
        Assert.Equal(3, Newsgroups.Load(NewsgroupsSubset.Test, Local(path)).Count);
    }

    [Fact]
    public void A_folder_with_a_stray_file_is_rejected()
    {
        using var temp = new TempFolder();
        var folder = TestArchives.WriteFolder(Path.Combine(temp.Path, "x"),
            TestArchives.TinyCorpus.Append(("20news-bydate-test/notes.txt", "x")));

        var error = Assert.Throws<DatasetFormatException>(() => Newsgroups.Load(NewsgroupsSubset.Train, Local(folder)));

        Assert.Contains("20news-bydate-test/notes.txt", error.Message);
    }

    [Fact]
    public void A_download_lands_under_its_final_name_only_when_its_checksum_matches()
    {
        using var temp = new TempFolder();
        var archive = File.ReadAllBytes(TestArchives.Write(Path.Combine(temp.Path, "a.tar.gz"), TestArchives.TinyCorpus));
        using var server = LoopbackHttpServer.Serving(archive);
        var destination = Path.Combine(temp.Path, "cache", Newsgroups.ArchiveName);
        var reports = new List<DownloadProgress>();

        NewsgroupsDownload.Fetch(server.Url("/files/20news"), destination, Convert.ToHexStringLower(SHA256.HashData(archive)),
            new CollectingProgress<DownloadProgress>(reports));

        Assert.Equal(archive, File.ReadAllBytes(destination));
        Assert.Equal(new DownloadProgress(Newsgroups.ArchiveName, 0, archive.Length), reports[0]);
        Assert.Equal(new DownloadProgress(Newsgroups.ArchiveName, archive.Length, archive.Length), reports[^1]);
        Assert.InRange(reports.Count, 2, 12); // the start and at most one a tenth, however small the reads
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(destination)!));
    }

    [Fact]
    public void A_download_with_the_wrong_checksum_leaves_nothing_in_the_cache()
    {
        using var temp = new TempFolder();
        var archive = File.ReadAllBytes(TestArchives.Write(Path.Combine(temp.Path, "a.tar.gz"), TestArchives.TinyCorpus));
        using var server = LoopbackHttpServer.Serving(archive);
        var cache = Path.Combine(temp.Path, "cache");
        var options = new NewsgroupsOptions { LocalSource = null, CacheDirectory = cache, DownloadUrl = server.Url("/files/20news") };

        var error = Assert.ThrowsAny<Exception>(() => Newsgroups.Load(NewsgroupsSubset.Train, options));

        Assert.Contains("sha256", error.Message);
        Assert.Contains(Newsgroups.OfficialSha256, error.Message);
        Assert.Empty(Directory.GetFiles(cache));
        Assert.Single(server.Requests);
    }

    [Fact]
    public void An_interrupted_download_leaves_nothing_in_the_cache()
    {
        using var temp = new TempFolder();
        var archive = File.ReadAllBytes(TestArchives.Write(Path.Combine(temp.Path, "a.tar.gz"), TestArchives.TinyCorpus));
        using var server = LoopbackHttpServer.Serving(archive, sendBytes: archive.Length / 2);
        var destination = Path.Combine(temp.Path, "cache", Newsgroups.ArchiveName);

        var error = Assert.Throws<IOException>(() =>
            NewsgroupsDownload.Fetch(server.Url("/files/20news"), destination, Convert.ToHexStringLower(SHA256.HashData(archive))));

        Assert.Contains("nothing was saved", error.Message);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(destination)!));
    }

    [Fact]
    public void A_local_source_is_used_without_downloading_even_when_nothing_is_cached()
    {
        using var temp = new TempFolder();
        var archive = TestArchives.Write(Path.Combine(temp.Path, "a.tar.gz"), TestArchives.TinyCorpus);
        using var server = LoopbackHttpServer.Serving([1, 2, 3]);
        var options = new NewsgroupsOptions
        {
            LocalSource = archive, CacheDirectory = Path.Combine(temp.Path, "cache"), DownloadUrl = server.Url("/files/20news")
        };

        Assert.Equal(6, Newsgroups.Load(NewsgroupsSubset.Train, options).Count);
        Assert.Empty(server.Requests);
        Assert.False(Directory.Exists(options.CacheDirectory));
    }

    [Fact]
    public void Without_a_source_and_with_downloads_off_the_error_says_where_to_put_the_archive()
    {
        using var temp = new TempFolder();
        var options = new NewsgroupsOptions { LocalSource = null, CacheDirectory = temp.Path, AllowDownload = false };

        var error = Assert.Throws<FileNotFoundException>(() => Newsgroups.ResolveSource(options));

        Assert.Contains(Path.Combine(temp.Path, Newsgroups.ArchiveName), error.Message);
        Assert.Contains("BERTNB_20NG", error.Message);
    }
}
