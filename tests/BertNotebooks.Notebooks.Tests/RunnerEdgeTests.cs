using System.Diagnostics;
using System.Text.Json;
using BertNotebooks.Notebooks.Tests.Infrastructure;
using BertNotebooks.Runner;

namespace BertNotebooks.Notebooks.Tests;

/// <summary>bertnb-run at its edges: the command line, typed parameters, the output folder, live output, time limits and Ctrl+C.</summary>
public sealed class RunnerEdgeTests : IDisposable
{
    readonly NotebookHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    string NotebooksDir => Path.Combine(_harness.Root, "notebooks");

    string Notebook(string name, SyntheticNotebook notebook) => notebook.WriteTo(Path.Combine(NotebooksDir, name + ".ipynb"));

    async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await RunnerCommand.RunAsync([.. args, "--notebooks", NotebooksDir, "--output", _harness.OutputDir], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A cell that waits until the runner asks it to stop, the way the Trainer does (through the same AppContext key).</summary>
    const string WaitsForStop = """
        Console.WriteLine("waiting");
        var stop = (System.Threading.CancellationToken)AppContext.GetData("BertNotebooks.Interruption")!;
        while (!stop.IsCancellationRequested) System.Threading.Thread.Sleep(20);
        Console.WriteLine("stopped cleanly");
        """;

    [Fact]
    public async Task Help_and_version_exit_0_and_run_nothing()
    {
        Notebook("01-any", new SyntheticNotebook().Code("Console.WriteLine(1);"));

        var help = await Run("--help");
        var version = await Run("--version");

        Assert.Equal((0, 0), (help.Code, version.Code));
        Assert.Contains("--cell-timeout", help.Output);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output);
        Assert.False(File.Exists(Path.Combine(_harness.OutputDir, "01-any.ipynb")));
    }

    [Theory]
    [InlineData("--outptu", "unknown option '--outptu' for 'bertnb-run' (did you mean '--output'?)")]
    [InlineData("--profile=quik", "--profile 'quik' is not a profile; use smoke, quick, full (did you mean 'quick'?)")]
    [InlineData("--cell-timeout=soon", "--cell-timeout expects a number (double), not 'soon'")]
    public async Task A_bad_option_exits_2_with_one_line_naming_it_and_runs_nothing(string option, string message)
    {
        Notebook("01-any", new SyntheticNotebook().Code("Console.WriteLine(1);"));

        var (code, _, error) = await Run(option);

        Assert.Equal(RunnerCommand.BadInput, code);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(_harness.OutputDir, "01-any.ipynb")));
    }

    [Fact]
    public async Task A_number_given_to_a_string_parameter_stays_a_string()
    {
        Notebook("run-name", new SyntheticNotebook()
            .Code("string? runName = null;", "parameters")
            .Code("Console.WriteLine($\"{runName} is a {runName!.GetType().Name}\");"));

        var (code, _, error) = await Run("-p", "runName=2024");

        Assert.True(code == 0, error);
        Assert.Contains("2024 is a String",
            NotebookHarness.OutputText(NotebookHarness.Cells(Path.Combine(_harness.OutputDir, "run-name.ipynb"))[2]));
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_named_before_any_cell_runs()
    {
        Notebook("lr", new SyntheticNotebook()
            .Code("System.IO.File.WriteAllText(\"ran.txt\", \"\");")
            .Code("double? learningRate = null;", "parameters"));

        var (code, _, error) = await Run("-p", "learningRate=abc");

        Assert.Equal(RunnerCommand.BadInput, code);
        Assert.Contains("learningRate must be a number (double) or null, not 'abc'", error);
        Assert.False(File.Exists(Path.Combine(NotebooksDir, "ran.txt")));
    }

    [Fact]
    public async Task A_parameters_file_sets_many_and_p_wins_over_it()
    {
        Notebook("file", new SyntheticNotebook()
            .Code("var maxLength = 256;\nstring? runName = null;", "parameters")
            .Code("Console.WriteLine($\"{maxLength} {runName}\");"));
        var file = Path.Combine(_harness.Root, "params.json");
        File.WriteAllText(file, """{ "maxLength": 64, "runName": "from-file" }""");

        var (code, _, error) = await Run("-f", file, "-p", "runName=from-p");

        Assert.True(code == 0, error);
        Assert.Contains("64 from-p", NotebookHarness.OutputText(NotebookHarness.Cells(Path.Combine(_harness.OutputDir, "file.ipynb"))[2]));
    }

    [Fact]
    public async Task An_output_folder_that_cannot_be_written_is_an_error_before_the_first_cell()
    {
        Notebook("01-work", new SyntheticNotebook().Code("System.IO.File.WriteAllText(\"ran.txt\", \"\");"));
        var blocker = Path.Combine(_harness.Root, "a-file");
        File.WriteAllText(blocker, ""); // a folder cannot be made under a file, whoever runs the test (root too)
        var (output, error) = (new StringWriter(), new StringWriter());

        var code = await RunnerCommand.RunAsync(["--notebooks", NotebooksDir, "--output", Path.Combine(blocker, "out")], output, error);

        Assert.Equal(RunnerCommand.BadInput, code);
        Assert.Contains($"Cannot write to the output folder '{Path.Combine(blocker, "out")}'", error.ToString());
        Assert.Contains("pass --output a folder you can write to", error.ToString());
        Assert.False(File.Exists(Path.Combine(NotebooksDir, "ran.txt")));
    }

    [Fact]
    public async Task What_a_cell_prints_and_displays_is_streamed_line_by_line_before_it_ends()
    {
        var path = Notebook("live", new SyntheticNotebook().Code(
            "Console.WriteLine(\"epoch 1\");\nvar status = display(\"step 0/3\");\nstatus.Update(\"step 1/3\");\n" +
            "status.Update(\"step 2/3\");\n" +
            "Console.Write(\"epoch \");\nConsole.WriteLine(\"2\");\nstatus.Update(\"step 3/3\");"));
        var console = new StringWriter();
        var runner = new NotebookRunner(new RunOptions(_harness.OutputDir, []) { LogInterval = TimeSpan.Zero },
            new ConsoleProgress(console));

        var result = await runner.RunAsync(path);

        Assert.True(result.Succeeded, result.FailedCell?.Error);
        var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        var streamed = lines.Where(l => l.StartsWith("[live] cell 1 | ", StringComparison.Ordinal))
            .Select(l => l["[live] cell 1 | ".Length..])
            .ToList();
        Assert.Contains("epoch 1", streamed);
        Assert.Contains("epoch 2", streamed);
        Assert.Equal(["step 0/3", "step 1/3", "step 2/3", "step 3/3"], streamed.Where(s => s.StartsWith("step", StringComparison.Ordinal)));
        Assert.StartsWith("[live] cell 1/1 ok", lines[^1]);
    }

    [Fact]
    public void Display_updates_are_throttled_and_the_last_one_is_kept()
    {
        var lines = new List<string>();
        var live = new LiveOutput(lines.Add, TimeSpan.FromDays(1));
        var values = new[] { "step 1/3", "step 2/3", "step 3/3" };
        var command = new Microsoft.DotNet.Interactive.Commands.SubmitCode("");
        var first = new Microsoft.DotNet.Interactive.Events.DisplayedValueProduced(values[0], command,
            [new Microsoft.DotNet.Interactive.Formatting.FormattedValue("text/plain", values[0])], "status");
        live.Observe(first);
        foreach (var value in values[1..])
            live.Observe(new Microsoft.DotNet.Interactive.Events.DisplayedValueUpdated(value, "status", command,
                [new Microsoft.DotNet.Interactive.Formatting.FormattedValue("text/plain", value)]));

        Assert.Equal(["step 1/3"], lines);
        live.Flush();
        Assert.Equal(["step 1/3", "step 3/3"], lines);
    }

    [Fact]
    public async Task A_cell_over_the_time_limit_is_stopped_and_named_and_the_notebook_is_saved()
    {
        Notebook("slow", new SyntheticNotebook().Code(WaitsForStop).Code("Console.WriteLine(\"never\");"));

        var (code, _, error) = await Run("--cell-timeout", "0.5");

        Assert.Equal(RunnerCommand.CellFailed, code);
        Assert.Contains("Cell 1 of slow ran longer than the cell timeout (0.5 s) and was stopped; it stopped and saved what it could.",
            error);
        Assert.Contains("Raise --cell-timeout", error);
        var cells = NotebookHarness.Cells(Path.Combine(_harness.OutputDir, "slow.ipynb"));
        Assert.Contains("stopped cleanly", NotebookHarness.OutputText(cells[0]));
        Assert.Empty(cells[1].GetProperty("outputs").EnumerateArray());
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_harness.OutputDir, "summary.json")));
        Assert.Equal("timed out", summary.RootElement.GetProperty("notebooks")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_cell_that_ignores_the_stop_request_is_abandoned_after_the_grace_period()
    {
        var path = Notebook("stubborn",
            new SyntheticNotebook().Code("Console.WriteLine(\"sleeping\");\nSystem.Threading.Thread.Sleep(30_000);"));
        var runner = new NotebookRunner(new RunOptions(_harness.OutputDir, [])
        {
            CellTimeout = TimeSpan.FromMilliseconds(200),
            StopGrace = TimeSpan.FromMilliseconds(200)
        });

        var result = await runner.RunAsync(path);

        Assert.Equal(StopReason.TimedOut, result.FailedCell?.Reason);
        Assert.Contains("did not stop within 0 s and was abandoned", result.FailedCell!.Error);
        Assert.Contains("was abandoned",
            NotebookHarness.OutputText(NotebookHarness.Cells(result.OutputPath)[0])); // the partial notebook says so
    }

    const string Python = "/usr/bin/python3";

    /// <summary>python3 resets SIGINT to its default, then becomes <c>dotnet ARGS</c>.</summary>
    static readonly string[] RestoreCtrlC =
        ["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp('dotnet', ['dotnet'] + sys.argv[1:])"];

    /// <summary>
    /// The real thing, in a child process: bertnb-run trains a tiny BERT through RecipeStages.Train (as 04-training does,
    /// without a token of its own) until SIGINT, then must leave a checkpoint, the partial notebook and exit 130.
    /// </summary>
    [Fact]
    public async Task Ctrl_C_stops_training_saves_a_checkpoint_and_the_partial_notebook_and_exits_130()
    {
        var library = Path.Combine(NotebookHarness.RepositoryRoot, "lib", "BertNotebooks", "bin", "notebooks", "BertNotebooks.dll");
        Assert.True(File.Exists(library), $"{library} is missing: building the runner builds it.");
        var runDir = Path.Combine(_harness.Root, "run");
        Notebook("04-train", new SyntheticNotebook()
            .Code($"#r \"{library}\"\nusing BertNotebooks.Modeling;\nusing BertNotebooks.Recipe;\nusing BertNotebooks.Tokenization;\n" +
                "using BertNotebooks.Training;\nBertNotebooks.Native.TorchNative.EnsureLoaded();")
            .Code($$"""
                // A BERT small enough to step in milliseconds, and 16 three-token documents of two classes.
                var run = RunSettings.For("smoke") with { RunName = @"{{runDir}}", MaxSteps = 1_000_000, EvalSteps = 1_000_000,
                    Device = "cpu" };
                var config = new BertConfig { VocabSize = 30, HiddenSize = 8, NumHiddenLayers = 1, NumAttentionHeads = 2,
                    IntermediateSize = 16, MaxPositionEmbeddings = 16 };
                var model = new BertForSequenceClassification(config);
                var data = Enumerable.Range(0, 16).Select(i => new TokenizedExample([2, 5 + i % 20, 3], [0, 0, 0], i % 2)).ToList();
                var trainer = new Trainer(model, run.ToTrainingArguments(), data, data, ["a", "b"]);
                trainer.Progress = new Progress<TrainerProgress>(p => { if (p.Step == 5) Console.WriteLine("training has started"); });
                var result = RecipeStages.Train(run, trainer, resume: false);
                Console.WriteLine($"cancelled={result.Cancelled} checkpoint={System.IO.Path.GetFileName(result.LastCheckpoint)}");
                """)
            .Code("Console.WriteLine(\"the next cell must not run\");"));

        // Started as a terminal starts it, with Ctrl+C's default disposition: a test host launched in the background
        // (`.ci/run &` without job control) inherits SIGINT ignored, and .NET then leaves an ignored SIGINT ignored.
        var start = new ProcessStartInfo(File.Exists(Python) ? Python : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (File.Exists(Python)) foreach (var argument in RestoreCtrlC) start.ArgumentList.Add(argument);
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "bertnb-run.dll"), "--notebooks", NotebooksDir,
            "--output", _harness.OutputDir])
            start.ArgumentList.Add(argument);
        using var child = Process.Start(start)!;
        var started = new TaskCompletionSource();
        var output = new System.Text.StringBuilder();
        child.OutputDataReceived += (_, e) =>
        {
            lock (output) output.AppendLine(e.Data);
            if (e.Data?.Contains("training has started") == true) started.TrySetResult();
        };
        child.BeginOutputReadLine();
        var stderr = child.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            // The streamed line: live output reaches the console while the cell runs.
            await Task.WhenAny(started.Task, child.WaitForExitAsync(limit.Token)).WaitAsync(limit.Token);
            if (child.HasExited) Assert.Fail($"bertnb-run ended before training started:\n{output}\n{await stderr}");
            using (var kill = Process.Start("kill", ["-INT", child.Id.ToString()])) await kill!.WaitForExitAsync(limit.Token);
            await child.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            var errors = await stderr;
            lock (output) Assert.Fail($"bertnb-run had not ended 3 minutes after it started:\n{output}\n{errors}");
        }
        finally
        {
            if (!child.HasExited) child.Kill(entireProcessTree: true);
        }

        string log;
        lock (output) log = output.ToString();
        Assert.True(child.ExitCode == 130, $"exit {child.ExitCode}\n{log}\n{await stderr}");
        Assert.Contains("Interrupted (Ctrl+C) in cell 2 of 04-train; it stopped and saved what it could.", await stderr);
        var checkpoint = Assert.Single(Directory.GetDirectories(Path.Combine(runDir, "checkpoints"), "checkpoint-*"));
        Assert.True(File.Exists(Path.Combine(checkpoint, "trainer_state.json")), checkpoint);
        var cells = NotebookHarness.Cells(Path.Combine(_harness.OutputDir, "04-train.ipynb"));
        Assert.Contains($"cancelled=True checkpoint={Path.GetFileName(checkpoint)}", NotebookHarness.OutputText(cells[1]));
        Assert.Empty(cells[2].GetProperty("outputs").EnumerateArray());
    }
}
