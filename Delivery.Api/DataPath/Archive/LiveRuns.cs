using CmafOrigin.Contracts.Archive;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Archive;

/// <summary>
/// The run each channel is being archived into right now: its newest run, when that one is live. Looked up on disk at
/// most once a second per channel, and its run.json read again only when it was rewritten; a channel nobody asked
/// about for a minute is forgotten.
/// </summary>
internal sealed class LiveRuns(ArchiveLayout layout, TimeProvider time, IOptions<DeliveryOptions> options) : IDisposable
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Unused = TimeSpan.FromMinutes(1);

    // Twice the window: enough to tell "too old" from "never archived" just past the window's edge, and to cover an
    // archive that runs a little behind the wall clock.
    private readonly TimeSpan _keep = 2 * options.Value.DvrWindow;
    private readonly MemoryCache _channels = new(new MemoryCacheOptions());

    /// <summary>The live run of the channel stored under <paramref name="channel"/>, or null when it has none.</summary>
    public LiveRun? Find(string channel)
    {
        var state = _channels.GetOrCreate(channel, entry =>
        {
            entry.SlidingExpiration = Unused;
            return new ChannelState();
        })!;

        lock (state)
        {
            var now = time.GetUtcNow();
            if (now - state.CheckedAt >= Recheck)
            {
                state.CheckedAt = now;
                Refresh(channel, state);
            }

            return state.Run;
        }
    }

    public void Dispose() => _channels.Dispose();

    private void Refresh(string channel, ChannelState state)
    {
        var directory = NewestRunDirectory(layout.ChannelDirectory(channel));
        // A missing run.json reads as 1601-01-01: a run that has just begun is read once its run.json is written.
        var written = directory is null ? default : File.GetLastWriteTimeUtc(Path.Combine(directory, ArchiveLayout.RunFile));
        if (directory == state.RunDirectory && written == state.RunFileWritten)
        {
            return;
        }

        var earlier = state.Run?.Directory == directory ? state.Run : null;
        state.RunDirectory = directory;
        state.RunFileWritten = written;
        state.Run = directory is not null && ArchiveFiles.ReadRun(directory) is { State: ArchiveRunState.Live } run ? new LiveRun(directory, run, _keep, earlier) : null;
    }

    private static string? NewestRunDirectory(string channelDirectory)
    {
        try
        {
            string? newest = null;
            foreach (var directory in Directory.EnumerateDirectories(channelDirectory))
            {
                var name = Path.GetFileName(directory);
                if (ArchiveLayout.IsRunId(name) && (newest is null || string.CompareOrdinal(name, Path.GetFileName(newest)) > 0))
                {
                    newest = directory;
                }
            }

            return newest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No archive for this channel (DirectoryNotFoundException is an IOException).
            return null;
        }
    }

    private sealed class ChannelState
    {
        public DateTimeOffset CheckedAt { get; set; } = DateTimeOffset.MinValue;

        public string? RunDirectory { get; set; }

        public DateTime RunFileWritten { get; set; }

        public LiveRun? Run { get; set; }
    }
}
