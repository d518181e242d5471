using BertNotebooks.Cli;
using BertNotebooks.Hosting;
using BertNotebooks.Native;

TorchNative.EnsureLoaded();

using var interrupts = new Interrupts(Console.Error, "stopping at the next step and saving a resumable checkpoint");
return await BertnbCommand.RunAsync(args, Console.Out, Console.Error, interrupts.Token);
