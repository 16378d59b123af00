using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Paths;

namespace CmafOrigin.TestSupport;

/// <summary>What an archive directory holds for a channel, read as Delivery reads it, for tests of the archive writer.</summary>
public sealed class ArchiveOnDisk(string directory, string channel)
{
    private readonly ArchiveLayout _layout = new(directory);

    public List<ArchiveRun> Runs => ArchiveFiles.ReadRuns(_layout.ChannelDirectory(channel));

    public string RunDirectory(ArchiveRun run) => _layout.RunDirectory(channel, run.Id);

    public List<ArchivedSegment> Journal(ArchiveRun run, string track) =>
        ArchiveFiles.ReadJournal(Path.Combine(RunDirectory(run), ArchiveLayout.Journal(track)));

    /// <summary>Waits until the channel has <paramref name="count"/> runs, all final; fails if more appear.</summary>
    public async Task<List<ArchiveRun>> FinalRunsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var runs = Runs;
            Assert.True(runs.Count <= count, $"{runs.Count} runs: {string.Join(", ", runs.Select(r => $"{r.Id} {r.State}"))}");
            if (runs.Count == count && runs.All(r => r.State == ArchiveRunState.Final))
            {
                return runs;
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    /// <summary>Waits until <paramref name="track"/> of the channel's newest run has at least <paramref name="segments"/> segments on disk.</summary>
    public async Task WaitForSegmentsAsync(string track, int segments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (Runs.FirstOrDefault() is not { } run || Journal(run, track).Count < segments)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>
    /// Every segment of the run's track, as its file holds it (the segments are the file's last bytes, in journal order,
    /// after the init segment, and after the index once final), equals what the encoder uploaded: the version Ingest
    /// keeps on Redis until its retention.
    /// </summary>
    public async Task AssertSegmentsAsUploadedAsync(OriginHost origin, ArchiveRun run, string track, CancellationToken cancellationToken)
    {
        var journal = Journal(run, track);
        var final = Path.Combine(RunDirectory(run), ArchiveLayout.TrackFile(track));
        var file = await File.ReadAllBytesAsync(File.Exists(final) ? final : Path.Combine(RunDirectory(run), ArchiveLayout.LiveTrackFile(track)), cancellationToken);
        var at = file.Length - journal.Sum(s => s.Size);
        Assert.True(at > 0, "the file is shorter than its segments");
        foreach (var segment in journal)
        {
            var path = ObjectPath.Parse($"/{(channel.Length == 0 ? string.Empty : channel + "/")}{segment.Name}");
            var entries = await origin.Redis.Connection.GetDatabase().StreamRangeAsync(origin.Keys.Chunks(path, segment.Version));
            byte[] uploaded = [.. entries.Where(e => e.Values[0].Name == "d").SelectMany(e => (byte[])e.Values[0].Value!)];
            Assert.True(uploaded.Length > 0, $"{segment.Name} version {segment.Version} is no longer on Redis");
            Assert.True(uploaded.AsSpan().SequenceEqual(file.AsSpan((int)at, (int)segment.Size)), $"{segment.Name} differs from its upload");
            at += segment.Size;
        }
    }
}
