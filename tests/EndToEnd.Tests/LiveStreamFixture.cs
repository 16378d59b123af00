using System.Globalization;
using System.Text.RegularExpressions;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.EndToEnd.Tests;

/// <summary>
/// One origin and one ffmpeg encoder pushing a live channel to it, shared by the tests of a class
/// (an encoder needs seconds to get going, and two at once would crowd a small machine).
/// Ready once the manifest, the init segments and the first media segment are on the origin.
/// </summary>
public sealed partial class LiveStreamFixture(RedisServer redis) : IAsyncLifetime
{
    public OriginHost Origin { get; private set; } = null!;

    public FfmpegEncoder Encoder { get; private set; } = null!;

    public string Channel => Encoder.Channel;

    public async ValueTask InitializeAsync()
    {
        try
        {
            Origin = await OriginHost.StartAsync(redis);
            Encoder = FfmpegEncoder.Start(Origin.IngestUri, TestPaths.Channel("LiveStream"), new Uri(Origin.DeliveryUri, "/time"));

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await WaitUntilAsync(
                async () => await Origin.CurrentMetaAsync(Encoder.ManifestPath) is { State: ObjectState.Complete }
                    && await Origin.CurrentMetaAsync(Encoder.InitPath(0)) is { State: ObjectState.Complete }
                    && await Origin.CurrentMetaAsync(Encoder.SegmentPath(0, 1)) is { State: ObjectState.Complete },
                "the encoder to publish its manifest, init segments and first segment",
                timeout.Token);
        }
        catch
        {
            // Leave no encoder running behind a fixture that failed to start.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>The highest segment number of DASH stream <paramref name="stream"/> stored on the origin now, or 0.</summary>
    public async Task<long> LatestSegmentAsync(int stream)
    {
        var pattern = SegmentKeyPattern();
        var marker = $"chunk-stream{stream.ToString(CultureInfo.InvariantCulture)}-";
        long latest = 0;
        foreach (var key in await Origin.StoredKeysAsync(Channel))
        {
            var match = pattern.Match(key);
            if (match.Success && match.Groups["name"].Value.StartsWith(marker, StringComparison.Ordinal))
            {
                latest = Math.Max(latest, long.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture));
            }
        }

        return latest;
    }

    /// <summary>
    /// When Ingest received each piece of the current version at <paramref name="path"/> (the <c>t</c> field of
    /// its chunk stream entries), in order.
    /// </summary>
    public async Task<IReadOnlyList<DateTimeOffset>> IngestReceiveTimesAsync(string path)
    {
        var objectPath = ObjectPath.Parse(path);
        var db = Origin.Redis.Connection.GetDatabase();
        var version = (string?)await db.StringGetAsync(Origin.Keys.Current(objectPath))
            ?? throw new InvalidOperationException($"nothing is stored at {path}");
        var entries = await db.StreamRangeAsync(Origin.Keys.Chunks(objectPath, version));
        return
        [
            .. entries
                .Select(entry => entry[ObjectFields.ReceivedAt])
                .Where(value => !value.IsNull)
                .Select(value => DateTimeOffset.UnixEpoch.AddTicks((long)value * 10)),
        ];
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds; fails with the encoder's log if it never does.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        try
        {
            while (!await condition())
            {
                if (Encoder.Process.HasExited)
                {
                    throw new InvalidOperationException($"the encoder exited while waiting for {what}.\n{Encoder.Process.Describe()}");
                }

                await Task.Delay(50, cancellationToken);
            }
        }
        catch (OperationCanceledException ex)
        {
            throw new TimeoutException($"timed out waiting for {what}.\n{Encoder.Process.Describe()}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var (encoder, origin) = (Encoder, Origin);
        (Encoder, Origin) = (null!, null!);
        await LiveChannelTeardown.EndAsync(encoder, origin);
    }

    /// <summary>A media segment's current-version key: <c>{prefix}:{channel}:chunk-stream0-00042.m4s:current</c>.</summary>
    [GeneratedRegex(@":(?<name>chunk-stream\d+-(?<number>\d+)\.m4s):current$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentKeyPattern();
}
