using BertNotebooks.Hosting;
using BertNotebooks.Runner;

using var interrupts = new Interrupts(Console.Error,
    "stopping the running cell; it saves what it can, then the executed notebook is written");
return await RunnerCommand.RunAsync(args, Console.Out, Console.Error, interrupts.Token);
