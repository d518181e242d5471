using BertNotebooks.Runner;

try
{
    var arguments = RunnerArguments.Parse(args, RunnerArguments.FindRepositoryRoot(Directory.GetCurrentDirectory()));
    if (arguments.Help)
    {
        Console.WriteLine(RunnerArguments.Usage);
        return 0;
    }
    return await RunnerCommand.RunAsync(arguments, Console.Out, Console.Error);
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return RunnerCommand.BadInput;
}
