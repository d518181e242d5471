using BertNotebooks.Runner;

return await RunnerCommand.RunAsync(args, Console.Out, Console.Error);
