namespace CmafOrigin.Ingest.Channels;

internal static partial class EncoderSwitchLog
{
    [LoggerMessage(7201, LogLevel.Warning,
        "Channel {Channel}: a second encoder run publishes while another was live {SecondsAgo:0.0} s ago: manifest start time {Previous} from {PreviousSource}, now {Current} from {CurrentSource}. Two encoders on one channel overwrite each other's manifest and DELETE each other's segments when one exits: give each its own channel")]
    public static partial void WhileLive(
        ILogger logger, string channel, double secondsAgo, string previous, string previousSource, string current, string currentSource);

    [LoggerMessage(7202, LogLevel.Information, "Channel {Channel}: a new encoder run from {Source} (manifest start time {Current}, was {Previous})")]
    public static partial void NewRun(ILogger logger, string channel, string source, string current, string previous);
}
