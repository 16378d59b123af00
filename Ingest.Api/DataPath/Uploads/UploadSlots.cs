using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Uploads;

/// <summary>
/// The uploads open on this process, per channel and in all: what the concurrency limits count, and
/// what a graceful shutdown waits for.
/// </summary>
/// <remarks>
/// Counted per process on purpose: each Ingest instance protects its own memory, sockets and Redis
/// connection, and no shared counter has to be cleaned up after a process dies.
/// </remarks>
internal sealed class UploadSlots(IOptions<IngestOptions> options, IHostApplicationLifetime lifetime)
{
    private readonly IngestOptions _options = options.Value;
    private readonly Dictionary<string, int> _perChannel = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _open;
    private TaskCompletionSource? _idle;

    /// <summary>Uploads open now.</summary>
    public int Open
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    /// <summary>Takes a slot for an upload to <paramref name="channel"/>, or says why not. A taken slot is given back by disposing an <see cref="UploadSlot"/>.</summary>
    public UploadRefusal TryEnter(string channel)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return UploadRefusal.ShuttingDown;
        }

        lock (_gate)
        {
            if (_open >= _options.MaxUploads)
            {
                return UploadRefusal.ProcessBusy;
            }

            _perChannel.TryGetValue(channel, out var inChannel);
            if (inChannel >= _options.MaxUploadsPerChannel)
            {
                return UploadRefusal.ChannelBusy;
            }

            _perChannel[channel] = inChannel + 1;
            _open++;
            return UploadRefusal.None;
        }
    }

    public void Leave(string channel)
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            var inChannel = _perChannel[channel] - 1;
            if (inChannel == 0)
            {
                // An idle channel costs no memory: a long-running process sees many channels come and go.
                _perChannel.Remove(channel);
            }
            else
            {
                _perChannel[channel] = inChannel;
            }

            if (--_open == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }

    /// <summary>Completes when no upload is open (at once if none is).</summary>
    public Task WhenIdle()
    {
        lock (_gate)
        {
            if (_open == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }
}
