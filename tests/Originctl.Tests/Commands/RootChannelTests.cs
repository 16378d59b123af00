using System.CommandLine;
using System.Text;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Originctl.Tests.Commands;

/// <summary>
/// A stream pushed to the root of the origin (<c>http://host:5000/out.mpd</c>, the seed's own command) is the channel
/// named <c>/</c>: shown and accepted as such by every command. An origin of its own, so its channels are only this one.
/// </summary>
public sealed class RootChannelTests(RedisServer redis) : IAsyncLifetime
{
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes("""
        <?xml version="1.0" encoding="utf-8"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="dynamic"
            availabilityStartTime="2026-11-23T20:00:00.000Z" maxSegmentDuration="PT2.0S" minBufferTime="PT4.0S">
          <Period id="0" start="PT0.0S">
            <AdaptationSet id="0" contentType="video" startWithSAP="1" segmentAlignment="true">
              <Representation id="0" mimeType="video/mp4" codecs="avc1.64001e" bandwidth="1000000" width="640" height="360">
                <SegmentTemplate timescale="1000000" duration="2000000" initialization="init-stream$RepresentationID$.m4s"
                    media="chunk-stream$RepresentationID$-$Number%05d$.m4s" startNumber="1"/>
              </Representation>
            </AdaptationSet>
          </Period>
        </MPD>
        """);

    private OriginHost _origin = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string[] Connect => ["--control", _origin.ControlUri.AbsoluteUri, "--token", _origin.AdminToken!];

    public async ValueTask InitializeAsync()
    {
        _origin = await OriginHost.StartAsync(redis);
        await PutAsync("/init-stream0.m4s", [1, 2, 3]);
        await PutAsync("/out.mpd", Manifest);
        await PutAsync("/chunk-stream0-00001.m4s", [4, 5, 6]);
    }

    public async ValueTask DisposeAsync() => await _origin.DisposeAsync();

    [Fact]
    public async Task Channels_ListTheRootChannel_AsSlash_InAlignedColumns()
    {
        var run = await RunAsync(["channels", .. Connect]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var row = Assert.Single(lines.Skip(1));
        Assert.StartsWith("/ ", row, StringComparison.Ordinal);
        Assert.Equal(lines[0].IndexOf("STATE", StringComparison.Ordinal), row.IndexOf(" live ", StringComparison.Ordinal) + 1);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("out.mpd")]
    [InlineData("/out.mpd")]
    public async Task Channel_AddressedAsSlashOrByItsManifest_IsTheRootChannel(string name)
    {
        var run = await RunAsync(["channel", name, .. Connect]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Matches(@"(?m)^Channel\s+/\s*$", run.Output);
        Assert.Contains("Manifest        out.mpd", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_TheRootChannel_PrintsItsEvents_NamedSlash()
    {
        using var output = new LineRecorder();
        using var error = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        var watching = OriginctlCli.InvokeAsync(["watch", "/", .. Connect], _ => null, configuration, stop.Token);
        await output.WaitForAsync(lines => lines.Count > 0, TimeSpan.FromSeconds(20), Cancellation);

        await PutAsync("/chunk-stream0-00002.m4s", [7, 8, 9]);
        await output.WaitForAsync(lines => lines.Any(l => l.Contains("segment-completed", StringComparison.Ordinal)), TimeSpan.FromSeconds(20), Cancellation);
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Ok, await watching.WaitAsync(TimeSpan.FromSeconds(10), Cancellation));
        Assert.Equal("Watching / (Ctrl+C to stop)", output.Lines[0]);
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d\d\d  /  segment-completed  track 0  #2  chunk-stream0-00002\.m4s  3 B$", output.Lines.First(l => l.Contains("segment-completed", StringComparison.Ordinal)));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task Purge_TheRootChannel_RemovesEveryObjectOfIt()
    {
        var run = await RunAsync(["purge", "/", .. Connect]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("Purged /: 3 objects removed, 0 uploads aborted.", run.Output.TrimEnd());
        Assert.Empty(await _origin.StoredKeysAsync("/"));
        Assert.Equal(ExitCodes.NotFound, (await RunAsync(["channel", "/", .. Connect])).ExitCode);
    }

    private async Task PutAsync(string path, byte[] body)
    {
        using var response = await _origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(body), Cancellation);
        response.EnsureSuccessStatusCode();
    }

    private static Task<OriginctlRun> RunAsync(string[] args) => OriginctlRun.RunAsync(Cancellation, args);
}
