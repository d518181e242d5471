using System.CommandLine;
using BertNotebooks.Cli;
using BertNotebooks.Cli.Commands;
using BertNotebooks.IO;
using BertNotebooks.Recipe;

namespace BertNotebooks.Tests.Cli;

/// <summary><c>bertnb</c>'s command line in-process: help, version, usage errors (exit 2, one line, nothing created), binding.</summary>
public sealed class BertnbCommandTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>An absolute --run-name: the run folder the command would create.</summary>
    string RunDir => _temp.File("run");

    static async Task<(int Code, string Output, string Error)> Bertnb(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await BertnbCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("train", "--help")]
    [InlineData("train", "-h")]
    [InlineData("bench-step", "--help")]
    public async Task Help_on_a_command_exits_0_and_starts_nothing(string command, string help)
    {
        var (code, output, _) = await Bertnb(command, "--run-name", RunDir, help);

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
        Assert.False(Directory.Exists(RunDir));
    }

    [Fact]
    public async Task Train_help_lists_the_run_settings_with_each_profiles_default()
    {
        var (_, output, _) = await Bertnb("train", "--help");

        Assert.Contains("--max-length", output);
        Assert.Contains("RunSettings.MaxLength [smoke 64, quick 128, full 512]", output);
        Assert.Contains("--learning-rate", output);
        Assert.DoesNotContain("--lr,", output); // one spelling on the command line
        Assert.Contains("--skip-bad-rows", output);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("train", "--version")]
    public async Task Version_works_on_every_command(params string[] args)
    {
        var (code, output, _) = await Bertnb(args);

        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }

    [Theory]
    [InlineData("unknown option '--lerning-rate' for 'bertnb train' (did you mean '--learning-rate'?)", "--lerning-rate", "1e-4")]
    [InlineData("--learning-rate expects a number (double), not 'abc'", "--learning-rate", "abc")]
    [InlineData("--max-length expects a whole number (int), not '12x'", "--max-length", "12x")]
    [InlineData("--profile 'fast' is not a profile; use smoke, quick, full.", "--profile", "fast")]
    [InlineData("--profile 'quik' is not a profile; use smoke, quick, full (did you mean 'quick'?).", "--profile", "quik")]
    public async Task A_bad_option_exits_2_with_one_line_and_creates_nothing(string message, params string[] options)
    {
        var (code, _, error) = await Bertnb(["train", "--run-name", RunDir, .. options]);

        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(RunDir));
    }

    [Fact]
    public async Task A_mistyped_command_is_named_with_the_closest_one()
    {
        var (code, _, error) = await Bertnb("trian");

        Assert.Equal(2, code);
        Assert.Contains("unexpected argument 'trian' for 'bertnb' (did you mean 'train'?)", error);
    }

    [Fact]
    public void Options_bind_to_run_settings_by_name_over_the_profiles_values()
    {
        var settings = new RunSettingsOptions();
        var command = new RootCommand();
        foreach (var option in settings.All) command.Add(option);

        var run = settings.Bind(command.Parse(["--profile", "smoke", "--max-length", "128", "--learning-rate", "3e-5",
            "--max-train-docs", "none", "--group-by-length", "false", "--skip-bad-rows", "--run-name", RunDir]));

        Assert.Equal(RunSettings.For("smoke") with
        {
            MaxLength = 128,
            LearningRate = 3e-5,
            MaxTrainDocs = null,
            GroupByLength = false,
            SkipBadRows = true,
            RunName = RunDir,
        }, run);
    }

    [Fact]
    public async Task A_run_folder_in_use_by_another_process_stops_train_before_it_writes()
    {
        using var other = new LiveProcess();
        Directory.CreateDirectory(RunDir);
        File.WriteAllText(Path.Combine(RunDir, RunFolderLock.FileName), other.Id.ToString());

        var (code, _, error) = await Bertnb("train", "--profile", "smoke", "--run-name", RunDir);

        Assert.Equal(1, code);
        Assert.Contains($"is in use by process {other.Id}", error);
        Assert.Equal([Path.Combine(RunDir, RunFolderLock.FileName)], Directory.GetFileSystemEntries(RunDir));
    }

    [Fact]
    public async Task An_unwritable_data_folder_is_one_line_with_the_fix_and_no_stack_trace()
    {
        var blocker = _temp.File("a-file", "");

        var (code, _, error) = await Bertnb("train", "--profile", "smoke", "--run-name", Path.Combine(blocker, "run"));

        Assert.Equal(1, code);
        Assert.Contains($"Cannot create the run folder {Path.Combine(blocker, "run")}", error);
        Assert.Contains("Choose a folder you can write to", error);
        Assert.DoesNotContain("   at ", error);
        Assert.InRange(error.Trim().Split('\n').Length, 1, 2);
    }
}
