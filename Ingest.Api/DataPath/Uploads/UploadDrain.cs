namespace CmafOrigin.Ingest.Uploads;

/// <summary>
/// The last step of a graceful shutdown: once Kestrel has stopped (in-flight uploads finished, or cut at
/// <see cref="IngestOptions.ShutdownTimeout"/>), wait for the cut ones to write their abort markers.
/// </summary>
/// <remarks>
/// Kestrel waits only briefly for the requests it aborts, and the Redis connection is a singleton
/// disposed right after the host stops; <see cref="IHostedLifecycleService.StoppedAsync"/> runs after
/// every hosted service (Kestrel included) has stopped and before anything is disposed, so the markers
/// still reach Redis and the viewers of a cut upload fail instead of hanging until its keys expire.
/// </remarks>
internal sealed class UploadDrain(UploadSlots slots, TimeProvider time, ILogger<UploadDrain> logger) : IHostedLifecycleService
{
    /// <summary>Writing an abort marker is one Redis script call; this is ample, and bounds a stop with Redis gone.</summary>
    internal static readonly TimeSpan MarkerGrace = TimeSpan.FromSeconds(5);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        UploadLog.Draining(logger, slots.Open);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        // The host's token is already cancelled when the deadline cut uploads: exactly when their markers matter.
        try
        {
            await slots.WhenIdle().WaitAsync(MarkerGrace, time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            UploadLog.DrainIncomplete(logger, slots.Open);
        }
    }
}
