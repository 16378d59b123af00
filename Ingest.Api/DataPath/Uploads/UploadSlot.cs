namespace CmafOrigin.Ingest.Uploads;

/// <summary>
/// One upload's place under the concurrency limits, given back when its request is over: registered with
/// <see cref="HttpResponse.RegisterForDispose"/>, so it is held until the answer is written (or the connection
/// aborted), and a graceful shutdown waits for that too.
/// </summary>
internal sealed class UploadSlot(UploadSlots slots, string channel) : IDisposable
{
    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            slots.Leave(channel);
        }
    }
}
