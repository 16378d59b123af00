using CmafOrigin.TestSupport;

namespace CmafOrigin.Originctl.Tests.Commands;

/// <summary>
/// <c>originctl archive</c> lists and deletes a channel's archived runs, as Ingest's control plane reads them from the
/// archive directory it shares with the writer and Delivery. The runs here are written as the writer leaves them.
/// </summary>
public sealed class ArchiveCommandTests(RedisServer redis) : IAsyncLifetime
{
    private readonly string _archive = Directory.CreateTempSubdirectory("originctl-archive-").FullName;
    private OriginHost _origin = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string[] Connect => ["--control", _origin.ControlUri.AbsoluteUri, "--token", _origin.AdminToken!];

    public async ValueTask InitializeAsync()
    {
        _origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Archive:Directory"] = _archive });
        WriteRun("live/show", "20261202T090000Z", "final", endedAt: "2026-12-02T09:30:00Z", bytes: 2_000_000);
        WriteRun("live/show", "20261202T100000Z", "live", endedAt: null, bytes: 1_000);
    }

    public async ValueTask DisposeAsync()
    {
        await _origin.DisposeAsync();
        Directory.Delete(_archive, recursive: true);
    }

    [Fact]
    public async Task List_ShowsTheRunsNewestFirst_WithStateDurationSizeAndMissingSegments()
    {
        var run = await RunAsync(["archive", "list", "live/show", .. Connect]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("RUN ", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^20261202T100000Z\s+live\s", lines[1]);
        Assert.Matches(@"^20261202T090000Z\s+final\s.*\s1800\.0 s\s+1\s+1\.9 MiB\s+2\s*$", lines[2]);
    }

    [Fact]
    public async Task List_ChannelWithoutRuns_SaysSo()
    {
        var run = await RunAsync(["archive", "list", "live/none", .. Connect]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("No archived runs of live/none.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RemovesAFinalRun_RefusesALiveOne_AndNamesAnUnknownOne()
    {
        var live = await RunAsync(["archive", "delete", "live/show", "20261202T100000Z", .. Connect]);
        Assert.Equal(ExitCodes.Failed, live.ExitCode);
        Assert.Contains("still being archived", live.Error, StringComparison.Ordinal);
        Assert.True(Directory.Exists(RunDirectory("live/show", "20261202T100000Z")));

        var final = await RunAsync(["archive", "delete", "live/show", "20261202T090000Z", .. Connect]);
        Assert.Equal(ExitCodes.Ok, final.ExitCode);
        Assert.Contains("Deleted run 20261202T090000Z of live/show", final.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(RunDirectory("live/show", "20261202T090000Z")));

        var unknown = await RunAsync(["archive", "delete", "live/show", "../../etc", .. Connect]);
        Assert.Equal(ExitCodes.NotFound, unknown.ExitCode);
    }

    [Fact]
    public async Task Purge_LeavesTheArchive_UnlessAskedToRemoveItsFinalRuns()
    {
        WriteRun("live/gone", "20261201T080000Z", "final", endedAt: "2026-12-01T09:00:00Z", bytes: 10);

        Assert.Equal(ExitCodes.NotFound, (await RunAsync(["purge", "live/gone", .. Connect])).ExitCode);
        Assert.True(Directory.Exists(RunDirectory("live/gone", "20261201T080000Z")));

        var purged = await RunAsync(["purge", "live/gone", "--archive", .. Connect]);
        Assert.Equal(ExitCodes.Ok, purged.ExitCode);
        Assert.Contains("1 archived runs removed", purged.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(RunDirectory("live/gone", "20261201T080000Z")));
    }

    private string RunDirectory(string channel, string id) => Path.Combine(_archive, channel, "@archive", id);

    private void WriteRun(string channel, string id, string state, string? endedAt, long bytes)
    {
        var directory = Directory.CreateDirectory(RunDirectory(channel, id)).FullName;
        var ended = endedAt is null ? string.Empty : $"\"endedAt\":\"{endedAt}\",";
        File.WriteAllText(Path.Combine(directory, "run.json"), $$"""
            {"id":"{{id}}","channel":"{{channel}}","state":"{{state}}","startedAt":"{{id[..4]}}-{{id[4..6]}}-{{id[6..8]}}T{{id[9..11]}}:00:00Z",{{ended}}
             "duration":1800,"tracks":[{"id":"0","contentType":"video","bytes":{{bytes}}}],
             "gaps":[{"track":"0","fromSegment":4,"toSegment":5,"reason":"upload aborted"}]}
            """);
        File.WriteAllBytes(Path.Combine(directory, "0.mp4"), new byte[bytes]);
    }

    private static Task<OriginctlRun> RunAsync(string[] args) => OriginctlRun.RunAsync(Cancellation, args);
}
