using System.Globalization;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Channels;

/// <summary>
/// Notices a second encoder on a live channel: each run of an encoder writes its own <c>availabilityStartTime</c>
/// into every manifest it uploads, so manifests whose start time changes while the channel is live come from two
/// runs. The last run seen is kept on Redis, in the channel's slot, so every Ingest instance compares with it.
/// </summary>
internal sealed class EncoderSwitchWatch(
    IConnectionMultiplexer redis,
    ObjectKeys keys,
    IOptions<IngestOptions> options,
    TimeProvider time,
    ILogger<EncoderSwitchWatch> logger)
{
    /// <summary>A run whose last manifest is younger than this is live: ffmpeg re-PUTs its manifest every segment.</summary>
    internal static readonly TimeSpan LiveWindow = TimeSpan.FromSeconds(15);

    /// <summary>Two encoders flip the start time at every manifest: one warning a minute is enough.</summary>
    internal static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    public async Task<EncoderSwitch> ManifestCompletedAsync(ObjectPath path, ManifestDocument? document, EncoderSource source)
    {
        if (document is not { IsStatic: false, AvailabilityStartTime: { Length: > 0 } start })
        {
            return EncoderSwitch.NotComparable;
        }

        var now = time.GetUtcNow();
        var db = redis.GetDatabase();
        var run = new EncoderRun(start, source.ToString(), now);
        var previousText = await db.StringSetAndGetAsync(keys.ChannelEncoder(path.Channel), run.Serialize(), options.Value.CompletedRetention);
        if (EncoderRun.TryParse(previousText, out var previous) is false || previous.StartTime == start)
        {
            return EncoderSwitch.SameRun;
        }

        var channel = ChannelName.Of(path.Channel);
        var quietFor = now - previous.SeenAt;
        if (quietFor > LiveWindow)
        {
            EncoderSwitchLog.NewRun(logger, channel, run.Source, start, previous.StartTime);
            return EncoderSwitch.NewRun;
        }

        if (await db.StringSetAsync(keys.ChannelEncoderWarned(path.Channel), 1, WarningInterval, When.NotExists))
        {
            EncoderSwitchLog.WhileLive(logger, channel, quietFor.TotalSeconds, previous.StartTime, previous.Source, start, run.Source);
        }

        return EncoderSwitch.WhileLive;
    }

    /// <summary>One run as stored: start time, source and when its manifest was seen, one per line.</summary>
    private sealed record EncoderRun(string StartTime, string Source, DateTimeOffset SeenAt)
    {
        public string Serialize() =>
            string.Join('\n', StartTime.ReplaceLineEndings(" "), Source, SeenAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

        public static bool TryParse(RedisValue stored, out EncoderRun run)
        {
            run = null!;
            var parts = stored.IsNullOrEmpty ? [] : ((string)stored!).Split('\n');
            if (parts.Length != 3 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
            {
                return false;
            }

            run = new EncoderRun(parts[0], parts[1], DateTimeOffset.FromUnixTimeMilliseconds(milliseconds));
            return true;
        }
    }
}
