using System.Runtime.InteropServices;

namespace CmafOrigin.AppHost;

/// <summary>Turns Ctrl+C (SIGINT) and SIGTERM into a cancellation, so AppHost stops its children itself instead of dying first.</summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;

    private ShutdownSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _cancellation.Token;

    public static ShutdownSignals Register() => new();

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Cancel the default (terminate now): the children must be stopped first.
        context.Cancel = true;
        if (!_cancellation.IsCancellationRequested)
        {
            PrefixedConsole.AppHost($"{context.Signal} received, stopping");
            // Not Cancel(): its callbacks would run on the runtime's signal thread, which also reaps children.
            _ = _cancellation.CancelAsync();
        }
    }
}
