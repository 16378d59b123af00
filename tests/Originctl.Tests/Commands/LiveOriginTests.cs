using System.CommandLine;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Originctl.Tests.Commands;

/// <summary>originctl's commands against a real origin's control plane while ffmpeg pushes a live channel.</summary>
public sealed class LiveOriginTests(LiveOriginFixture fixture) : IClassFixture<LiveOriginFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task Channels_ListsTheLiveChannel_InAlignedColumns()
    {
        var run = await RunAsync(["channels", .. fixture.Connect]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Empty(run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0];
        Assert.StartsWith("CHANNEL", header, StringComparison.Ordinal);
        var row = Assert.Single(lines, line => line.StartsWith(fixture.Encoder.Channel + " ", StringComparison.Ordinal));
        // Columns line up under their headings: STATE starts where "live" does, TRACKS (right-aligned) ends where "3" does.
        Assert.Equal(header.IndexOf("STATE", StringComparison.Ordinal), row.IndexOf(" live ", StringComparison.Ordinal) + 1);
        var tracksEnd = header.IndexOf("TRACKS", StringComparison.Ordinal) + "TRACKS".Length;
        Assert.Equal("3", row[(tracksEnd - 1)..tracksEnd]);
        Assert.Matches(@"\d+(\.\d+)? [kM]?b/s", row);
    }

    [Fact]
    public async Task Channel_ShowsTheChannelAndItsTracks()
    {
        var run = await RunAsync(["channel", fixture.Encoder.Channel, .. fixture.Connect]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains($"Manifest        {fixture.Encoder.Channel}/out.mpd", run.Output, StringComparison.Ordinal);
        Assert.Contains("State           live", run.Output, StringComparison.Ordinal);
        var tracks = run.Output.Split('\n').SkipWhile(line => !line.StartsWith("TRACK ", StringComparison.Ordinal)).Skip(1)
            .Where(line => line.Length > 0).ToList();
        Assert.Equal(3, tracks.Count);
        Assert.Matches(@"^0\s+video\s+avc1\.\S+\s+\d+ kb/s\s+640x360\s+\d+$", tracks[0]);
        Assert.Matches(@"^1\s+video\s+avc1\.\S+\s+\d+ kb/s\s+426x240\s+\d+$", tracks[1]);
        Assert.Matches(@"^2\s+audio\s+mp4a\.\S+\s+\d+ kb/s\s+-\s+\d+$", tracks[2]);
    }

    [Fact]
    public async Task Channel_GivenByItsManifestPath_IsFound()
    {
        var run = await RunAsync(["channel", $"/{fixture.Encoder.Channel}/out.mpd", .. fixture.Connect]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains(fixture.Encoder.Channel, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Channel_ThatDoesNotExist_ExitsNotFound()
    {
        var run = await RunAsync(["channel", "live/nothing-here", .. fixture.Connect]);

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.StartsWith("originctl: no channel named 'live/nothing-here'", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Purge_OfAChannelThatDoesNotExist_SaysSo_AndExitsNotFound_AsChannelDoes()
    {
        var run = await RunAsync(["purge", "nope/x", .. fixture.Connect]);

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Equal("originctl: no channel named 'nope/x' on the origin.", run.Error.TrimEnd());
        Assert.Empty(run.Output);
        Assert.Equal(run.ExitCode, (await RunAsync(["channel", "nope/x", .. fixture.Connect])).ExitCode);
    }

    [Fact]
    public async Task Commands_WithoutTheToken_ExitUnauthenticated()
    {
        var run = await RunAsync(["channels", "--control", fixture.Origin.ControlUri.AbsoluteUri]);

        Assert.Equal(ExitCodes.Unauthenticated, run.ExitCode);
        Assert.Contains("wants the admin token: pass --token or set ORIGINCTL_TOKEN", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_WithAWrongToken_ExitUnauthenticated_WithoutEchoingIt()
    {
        var run = await RunAsync(["purge", fixture.Encoder.Channel, "--control", fixture.Origin.ControlUri.AbsoluteUri, "--token", "wrong-token-123"]);

        Assert.Equal(ExitCodes.Unauthenticated, run.ExitCode);
        Assert.Contains("refused the admin token", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token-123", run.Error, StringComparison.Ordinal);
        // Refused: the channel is still there.
        Assert.Equal(ExitCodes.Ok, (await RunAsync(["channel", fixture.Encoder.Channel, .. fixture.Connect])).ExitCode);
    }

    [Fact]
    public async Task ControlAndToken_FromTheEnvironment_AreUsed()
    {
        var environment = new Dictionary<string, string>
        {
            ["ORIGINCTL_CONTROL"] = fixture.Origin.ControlUri.AbsoluteUri,
            ["ORIGINCTL_TOKEN"] = fixture.Origin.AdminToken!,
        };

        var run = await OriginctlRun.RunAsync(environment, Cancellation, "channels");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains(fixture.Encoder.Channel, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_PrintsTheChannelsSegmentEvents_UntilCancelled()
    {
        using var output = new LineRecorder();
        using var error = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        var watching = OriginctlCli.InvokeAsync(["watch", fixture.Encoder.Channel, .. fixture.Connect], _ => null, configuration, stop.Token);

        // A segment every 2 s per track: a completed one within a few seconds.
        await output.WaitForAsync(lines => lines.Count(l => l.Contains("segment-completed", StringComparison.Ordinal)) >= 2, TimeSpan.FromSeconds(20), Cancellation);
        await stop.CancelAsync();
        var exitCode = await watching.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        var lines = output.Lines;
        Output?.WriteLine(string.Join('\n', lines));
        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Equal($"Watching {fixture.Encoder.Channel} (Ctrl+C to stop)", lines[0]);
        var completed = lines.First(l => l.Contains("segment-completed", StringComparison.Ordinal));
        Assert.Matches($@"^\d\d:\d\d:\d\d\.\d\d\d  {fixture.Encoder.Channel}  segment-completed  track \d  #\d+  {fixture.Encoder.Channel}/chunk-stream\d-\d{{5}}\.m4s  \d+\.\d [KM]iB$", completed);
        Assert.All(lines.Skip(1), line => Assert.Contains($"  {fixture.Encoder.Channel}  ", line, StringComparison.Ordinal));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task Stats_ShowsTotalsAndTheReportingDeliveryInstance()
    {
        var run = await RunAsync(["stats", .. fixture.Connect]);

        Output?.WriteLine(run.Output);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Matches(@"(?m)^Live channels\s+1$", run.Output);
        Assert.Matches(@"(?m)^Delivery instances\s+1$", run.Output);
        Assert.Matches(@"(?m)^Redis reads/s\s+\d+\.\d$", run.Output);
        Assert.Matches(@"(?m)^INSTANCE\s+VIEWERS\s+OUT\s+REDIS R/S\s+DELIVERED\s+REPORTED", run.Output);
    }

    [Fact]
    public async Task Purge_RemovesEveryObjectOfTheChannel()
    {
        var channel = TestPaths.Channel();
        foreach (var name in new[] { "init-stream0.m4s", "chunk-stream0-00001.m4s", "chunk-stream0-00002.m4s" })
        {
            using var response = await fixture.Origin.Ingest.PutAsync(new Uri($"/{channel}/{name}", UriKind.Relative), new ByteArrayContent([1, 2, 3]), Cancellation);
            response.EnsureSuccessStatusCode();
        }

        var run = await RunAsync(["purge", channel, .. fixture.Connect]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal($"Purged {channel}: 3 objects removed, 0 uploads aborted.", run.Output.TrimEnd());
        Assert.Empty(await fixture.Origin.StoredKeysAsync(channel));
        // The live channel next to it is untouched.
        Assert.Equal(ExitCodes.Ok, (await RunAsync(["channel", fixture.Encoder.Channel, .. fixture.Connect])).ExitCode);
    }

    private static Task<OriginctlRun> RunAsync(string[] args) => OriginctlRun.RunAsync(Cancellation, args);
}
