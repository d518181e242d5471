using System.Runtime.InteropServices;

namespace BertNotebooks.Hosting;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM cancel a token instead of ending the process, so that the work in hand can save what it
/// has and the program can exit 130. A second signal ends the process at once.
/// </summary>
public sealed class Interrupts : IDisposable
{
    readonly CancellationTokenSource _cancel = new();
    readonly PosixSignalRegistration[] _registrations;

    public Interrupts(TextWriter error, string whatHappensNow)
    {
        _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(signal =>
            PosixSignalRegistration.Create(signal, context =>
        {
            if (_cancel.IsCancellationRequested) return; // the second one: the default, the process ends
            context.Cancel = true;
            error.WriteLine($"{(context.Signal == PosixSignal.SIGINT ? "Ctrl+C" : "SIGTERM")}: {whatHappensNow} (again to quit at once)");
            _cancel.Cancel();
        }))];
    }

    public CancellationToken Token => _cancel.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }
}
