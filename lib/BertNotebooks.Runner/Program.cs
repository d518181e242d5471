using BertNotebooks.Hosting;
using BertNotebooks.Runner;

// A notebook's own process (NotebookProcess) stops on Ctrl+C too, silently: its parent has said what happens now.
using var interrupts = new Interrupts(args.Contains("--worker") ? TextWriter.Null : Console.Error,
    "stopping the running cell; it saves what it can, then the executed notebook is written");
return await RunnerCommand.RunAsync(args, Console.Out, Console.Error, interrupts.Token);
