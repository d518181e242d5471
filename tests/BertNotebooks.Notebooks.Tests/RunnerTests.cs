using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using BertNotebooks.Notebooks.Tests.Infrastructure;
using BertNotebooks.Runner;

namespace BertNotebooks.Notebooks.Tests;

public sealed class RunnerTests : IDisposable
{
    readonly NotebookHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    string Notebook(string name, SyntheticNotebook notebook) => notebook.WriteTo(Path.Combine(_harness.Root, "notebooks", name + ".ipynb"));

    /// <summary>bertnb-run on this test's notebooks folder, as typed in a console: its exit code, output and errors.</summary>
    async Task<(int Code, string Output, string Error)> RunConsoleAsync(params string[] options)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await RunnerCommand.RunAsync(
            ["--notebooks", Path.Combine(_harness.Root, "notebooks"), "--output", _harness.OutputDir, .. options], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The notebooks' entries in the run's summary.json.</summary>
    List<JsonElement> SummaryEntries()
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_harness.OutputDir, "summary.json")));
        return [.. summary.RootElement.GetProperty("notebooks").EnumerateArray().Select(e => e.Clone())];
    }

    static SyntheticNotebook WithParameters() => new SyntheticNotebook()
        .Markdown("# Parameters")
        .Code("var maxLength = 256;\nvar learningRate = 0.1;\nvar useCuda = false;\nvar profile = \"smoke\";", "parameters")
        .Code("Console.WriteLine($\"{maxLength} {learningRate} {useCuda} {profile} {maxLength.GetType().Name} " +
            "{learningRate.GetType().Name}\");");

    [Fact]
    public async Task Parameters_are_injected_after_the_parameters_cell()
    {
        var path = Notebook("params", WithParameters());
        var parameters = ParameterInjector.WithProfile([NotebookParameter.Parse("maxLength=128"),
            NotebookParameter.Parse("learningRate=2e-5"), NotebookParameter.Parse("useCuda=true")], "quick");

        var result = await _harness.RunAsync(path, parameters);

        Assert.True(result.Succeeded, result.FailedCell?.Error);
        var cells = NotebookHarness.Cells(result.OutputPath);
        Assert.Equal(4, cells.Length);
        Assert.Equal(["injected-parameters"],
            cells[2].GetProperty("metadata").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("maxLength = 128;", string.Concat(cells[2].GetProperty("source").EnumerateArray().Select(l => l.GetString())));
        Assert.Contains("128 2E-05 True quick Int32 Double", NotebookHarness.OutputText(cells[3]));
        Assert.Equal([1, 2, 3], cells.Skip(1).Select(c => c.GetProperty("execution_count").GetInt32()));
    }

    [Fact]
    public async Task A_parameter_goes_only_to_the_notebooks_that_declare_it()
    {
        var first = Notebook("01-first",
            new SyntheticNotebook().Code("var dataset = \"default\";", "parameters").Code("Console.WriteLine(dataset);"));
        var second = Notebook("02-second",
            new SyntheticNotebook().Code("var profile = \"smoke\";", "parameters").Code("Console.WriteLine(profile);"));

        var results = await new NotebookRunner(new RunOptions(_harness.OutputDir, [NotebookParameter.Parse("dataset=mine.csv")]))
            .RunAllAsync([first, second]);

        Assert.All(results, r => Assert.True(r.Succeeded, r.FailedCell?.Error));
        Assert.Contains("mine.csv", NotebookHarness.OutputText(NotebookHarness.Cells(results[0].OutputPath)[2]));
        Assert.Equal(2, NotebookHarness.Cells(results[1].OutputPath).Length); // nothing injected
    }

    [Fact]
    public async Task A_parameter_no_notebook_declares_is_an_error_before_anything_runs()
    {
        var only = Notebook("only", new SyntheticNotebook().Code("var maxLength = 256;", "parameters"));

        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            new NotebookRunner(new RunOptions(_harness.OutputDir, [NotebookParameter.Parse("maxLenght=1")])).RunAllAsync([only]));

        Assert.Contains("'maxLenght'", e.Message);
        Assert.False(File.Exists(Path.Combine(_harness.OutputDir, "only.ipynb")));
    }

    [Fact]
    public async Task Live_displays_keep_their_last_update_in_place()
    {
        var path = Notebook("live", new SyntheticNotebook().Code(
            "var status = display(\"starting\");\nvar table = display(\"empty\");\nstatus.Update(\"step 1\");\ntable.Update(\"row 1\");\n" +
            "status.Update(\"done\");\ntable.Update(\"rows 1-2\");"));

        var result = await _harness.RunAsync(path);

        Assert.True(result.Succeeded, result.FailedCell?.Error);
        var outputs = NotebookHarness.Cells(result.OutputPath)[0].GetProperty("outputs").EnumerateArray()
            .Select(o => string.Concat(o.GetProperty("data").GetProperty("text/plain").EnumerateArray().Select(l => l.GetString())))
            .ToList();
        Assert.Equal(["done", "rows 1-2"], outputs);
    }

    [Fact]
    public async Task Without_parameters_the_defaults_run_and_nothing_is_injected()
    {
        var result = await _harness.RunAsync(Notebook("defaults", WithParameters()));

        var cells = NotebookHarness.Cells(result.OutputPath);
        Assert.Equal(3, cells.Length);
        Assert.Contains("256 0.1 False smoke", NotebookHarness.OutputText(cells[2]));
    }

    [Fact]
    public async Task Parameters_for_a_notebook_without_a_parameters_cell_are_an_error_naming_it()
    {
        var path = Notebook("untagged", new SyntheticNotebook().Code("var maxLength = 256;"));

        var e = await Assert.ThrowsAsync<ArgumentException>(() => _harness.RunAsync(path, [NotebookParameter.Parse("maxLength=1")]));

        Assert.Contains("'untagged' has no cell tagged 'parameters'", e.Message);
    }

    [Fact]
    public async Task Rerunning_an_executed_notebook_replaces_its_injected_cell()
    {
        var first = await _harness.RunAsync(Notebook("rerun", WithParameters()), [NotebookParameter.Parse("maxLength=128")]);
        var executed = Path.Combine(_harness.Root, "executed-once.ipynb");
        File.Copy(first.OutputPath, executed);

        var second = await _harness.RunAsync(executed, [NotebookParameter.Parse("maxLength=64")]);

        var cells = NotebookHarness.Cells(second.OutputPath);
        Assert.Equal(4, cells.Length);
        Assert.Contains("64 0.1 False smoke", NotebookHarness.OutputText(cells[3]));
    }

    [Fact]
    public async Task A_folder_runs_in_order_with_the_profile()
    {
        Notebook("01-a", WithParameters());
        Notebook("02-b",
            new SyntheticNotebook().Code("var profile = \"smoke\";", "parameters").Code("Console.WriteLine($\"profile={profile}\");"));

        var results = await _harness.RunFolderAsync(Path.Combine(_harness.Root, "notebooks"), "quick");

        Assert.Equal(["01-a", "02-b"], results.Select(r => r.Notebook));
        Assert.All(results, r => Assert.True(r.Succeeded, r.FailedCell?.Error));
        Assert.Contains("profile=quick", NotebookHarness.OutputText(NotebookHarness.Cells(results[1].OutputPath)[2]));
        Assert.All(results, r => Assert.True(File.Exists(r.HtmlPath)));
    }

    static SyntheticNotebook Failing() => new SyntheticNotebook()
        .Markdown("# Fails in its second code cell")
        .Code("var x = 41;")
        .Code("Console.WriteLine(\"before the error\");\nthrow new InvalidOperationException(\"boom \" + (x + 1));")
        .Code("Console.WriteLine(\"never printed\");");

    [Fact]
    public async Task A_failing_cell_stops_the_notebook_and_is_reported_with_its_number_and_error()
    {
        var result = await _harness.RunAsync(Notebook("failing", Failing()));

        Assert.False(result.Succeeded);
        Assert.Equal(3, result.FailedCell!.CellNumber);
        Assert.Contains("boom 42", result.FailedCell.Error);
        Assert.Contains("   at ", result.FailedCell.Error); // the kernel's report has the stack; the console shows it without
        var cells = NotebookHarness.Cells(result.OutputPath); // the partial notebook is written
        Assert.Contains("before the error", NotebookHarness.OutputText(cells[2]));
        Assert.Contains("\"output_type\": \"error\"", NotebookHarness.OutputText(cells[2]).Replace("\":\"", "\": \""));
        Assert.Equal(JsonValueKind.Null, cells[3].GetProperty("execution_count").ValueKind);
        Assert.Empty(cells[3].GetProperty("outputs").EnumerateArray());
        Assert.Contains(_harness.Progress, p => p is { Stage: CellStage.Failed, CellNumber: 3 });
    }

    [Fact]
    public async Task A_cell_that_does_not_compile_fails_with_the_compiler_error()
    {
        var result = await _harness.RunAsync(Notebook("typo", new SyntheticNotebook().Code("var total = undefinedName + 1;")));

        Assert.Equal(1, result.FailedCell?.CellNumber);
        Assert.Contains("CS0103", result.FailedCell!.Error);
    }

    [Fact]
    public async Task The_console_exits_non_zero_names_the_failing_cell_and_stops_before_later_notebooks()
    {
        Notebook("01-fails", Failing());
        Notebook("02-later", new SyntheticNotebook().Code("Console.WriteLine(1);"));
        var (code, output, error) = await RunConsoleAsync();

        Assert.Equal(RunnerCommand.CellFailed, code);
        Assert.Contains("01-fails.ipynb' failed at cell 3", error);
        Assert.Contains("boom 42", error);
        Assert.DoesNotContain("   at ", error); // the message, not a wall of stack frames (those are in the notebook)
        Assert.True(File.Exists(Path.Combine(_harness.OutputDir, "01-fails.ipynb")));
        Assert.False(File.Exists(Path.Combine(_harness.OutputDir, "02-later.ipynb")));
        var entries = SummaryEntries();
        Assert.Equal(["failed", "not run"], entries.Select(e => e.GetProperty("status").GetString()));
        Assert.Equal(3, entries[0].GetProperty("failedCell").GetInt32());
        Assert.Contains("not run", output);
    }

    [Fact]
    public async Task The_peak_memory_is_in_the_summary_and_the_table_and_covers_what_the_notebook_touched()
    {
        // The second notebook touches 300 MB and prints its process's high-water mark then (PeakWorkingSet64: VmHWM on
        // Linux); the summary's peak for it can be no lower. Each notebook has a process of its own, so the small one's peak
        // stays below it.
        Notebook("01-small", new SyntheticNotebook().Code("Console.WriteLine(1);"));
        Notebook("02-large", new SyntheticNotebook().Code("var block = new byte[300_000_000]; Random.Shared.NextBytes(block); " +
            "Console.WriteLine($\"peak {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64}\");"));
        var (code, output, _) = await RunConsoleAsync();

        Assert.Equal(RunnerCommand.Success, code);
        Assert.Contains("peak memory", output);
        if (OperatingSystem.IsMacOS()) return; // macOS keeps no high-water mark: the column stays empty there
        var peaks = SummaryEntries().Select(e => e.GetProperty("peakMb").GetDouble()).ToList();
        var printed = Regex.Match(NotebookHarness.OutputText(NotebookHarness.Cells(Path.Combine(_harness.OutputDir, "02-large.ipynb"))[0]),
            @"peak (\d+)");
        Assert.True(printed.Success, "the notebook printed no peak");
        var insideMb = long.Parse(printed.Groups[1].Value, CultureInfo.InvariantCulture) / 1e6;
        Assert.True(insideMb > 300, $"the high-water mark inside the notebook, {insideMb:F0} MB, does not cover its 300 MB block");
        Assert.True(peaks[1] >= Math.Floor(insideMb), $"summary peak {peaks[1]} MB is below the {insideMb:F0} MB seen inside the notebook");
        Assert.True(peaks[0] < peaks[1] - 250, $"peaks {peaks[0]} MB then {peaks[1]} MB: the small notebook's process held the block?");
        Assert.Matches($@"total .* {peaks[1]:#,0} MB", output); // the table's total row: the largest
    }

    [Fact]
    public async Task Each_notebook_runs_in_a_process_of_its_own_unless_one_process_is_asked_for()
    {
        const string printPid = "Console.WriteLine($\"pid {Environment.ProcessId}\");";
        Notebook("01-first", new SyntheticNotebook().Code(printPid));
        Notebook("02-second", new SyntheticNotebook().Code(printPid));
        int[] Pids() => [.. new[] { "01-first", "02-second" }.Select(n => int.Parse(Regex.Match(
            NotebookHarness.OutputText(NotebookHarness.Cells(Path.Combine(_harness.OutputDir, n + ".ipynb"))[0]), @"pid (\d+)").Groups[1].Value,
            CultureInfo.InvariantCulture))];

        Assert.Equal(RunnerCommand.Success, (await RunConsoleAsync()).Code);
        var separate = Pids();
        Assert.Equal(RunnerCommand.Success, (await RunConsoleAsync("--one-process")).Code);
        var together = Pids();

        Assert.DoesNotContain(Environment.ProcessId, separate);
        Assert.NotEqual(separate[0], separate[1]);
        Assert.Equal([Environment.ProcessId, Environment.ProcessId], together);
    }

    [Fact]
    public async Task A_parameter_given_twice_takes_its_last_value_in_a_process_of_its_own_as_in_one_process()
    {
        Notebook("01-twice", new SyntheticNotebook().Code("var x = 0;", "parameters").Code("Console.WriteLine($\"x {x}\");"));
        string XPrinted() => NotebookHarness.OutputText(NotebookHarness.Cells(Path.Combine(_harness.OutputDir, "01-twice.ipynb"))[2]);

        Assert.Equal(RunnerCommand.Success, (await RunConsoleAsync("-p", "x=1", "-p", "x=2")).Code);
        var separate = XPrinted();
        Assert.Equal(RunnerCommand.Success, (await RunConsoleAsync("-p", "x=1", "-p", "x=2", "--one-process")).Code);

        Assert.Contains("x 2", separate);
        Assert.Contains("x 2", XPrinted());
    }

    [Fact]
    public async Task A_notebook_whose_process_dies_fails_clearly_and_stops_the_run()
    {
        Notebook("01-dies", new SyntheticNotebook().Code("Environment.Exit(3);"));
        Notebook("02-later", new SyntheticNotebook().Code("Console.WriteLine(1);"));
        var (code, _, error) = await RunConsoleAsync();

        Assert.Equal(RunnerCommand.CellFailed, code);
        Assert.Contains("The process running 01-dies ended (exit code 3) without reporting how the notebook went", error);
        Assert.Equal(["failed", "not run"], SummaryEntries().Select(e => e.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task The_console_runs_all_notebooks_in_order_and_succeeds()
    {
        Notebook("02-second", new SyntheticNotebook().Code("Console.WriteLine(\"second\");"));
        Notebook("01-first", new SyntheticNotebook().Code("Console.WriteLine(\"first\");"));
        var (code, text, _) = await RunConsoleAsync();

        Assert.Equal(RunnerCommand.Success, code);
        Assert.True(text.IndexOf("[01-first]", StringComparison.Ordinal) < text.IndexOf("[02-second]", StringComparison.Ordinal), text);
        Assert.Contains("first", NotebookHarness.OutputText(NotebookHarness.Cells(Path.Combine(_harness.OutputDir, "01-first.ipynb"))[0]));
    }

    [Fact]
    public async Task A_notebook_runs_in_its_own_folder()
    {
        var path = Notebook("cwd", new SyntheticNotebook().Code("System.IO.File.WriteAllText(\"written-by-notebook.txt\", \"ok\");"));

        var result = await _harness.RunAsync(path);

        Assert.True(result.Succeeded, result.FailedCell?.Error);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, "written-by-notebook.txt")));
    }

    [Fact]
    public async Task Invalid_json_is_a_clear_error_and_exit_code_2()
    {
        var path = Path.Combine(_harness.Root, "broken.ipynb");
        File.WriteAllText(path, "{ \"cells\": [ ");
        var error = new StringWriter();

        var e = Assert.Throws<InvalidDataException>(() => NotebookRunner.Read(path));
        var code = await RunnerCommand.RunAsync([path, "--output", _harness.OutputDir], new StringWriter(), error);

        Assert.Contains($"'{path}' is not valid JSON", e.Message);
        Assert.Equal(RunnerCommand.BadInput, code);
        Assert.Contains("is not valid JSON", error.ToString());
    }

    [Fact]
    public void Json_without_cells_is_not_taken_for_an_empty_notebook()
    {
        var path = Path.Combine(_harness.Root, "config.ipynb");
        File.WriteAllText(path, "{ \"name\": \"not a notebook\" }");

        var e = Assert.Throws<InvalidDataException>(() => NotebookRunner.Read(path));

        Assert.Contains("no \"cells\" array", e.Message);
    }

    [Fact]
    public async Task A_missing_notebook_is_a_clear_error_and_exit_code_2()
    {
        var error = new StringWriter();

        var code = await RunnerCommand.RunAsync(["09-nothing", "--notebooks", _harness.Root, "--output", _harness.OutputDir],
            new StringWriter(), error);

        Assert.Equal(RunnerCommand.BadInput, code);
        Assert.Contains("Notebook '09-nothing' not found", error.ToString());
        Assert.Contains(Path.Combine(_harness.Root, "09-nothing.ipynb"), error.ToString());
    }
}
