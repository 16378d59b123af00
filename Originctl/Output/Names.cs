using CmafOrigin.Contracts.V1;

namespace CmafOrigin.Originctl.Output;

/// <summary>Proto enum values as short lower-case words.</summary>
internal static class Names
{
    public static string Of(ChannelState state) => state switch
    {
        ChannelState.Live => "live",
        ChannelState.Ended => "ended",
        _ => "unknown",
    };

    public static string Of(ChannelEventKind kind) => kind switch
    {
        ChannelEventKind.ChannelStarted => "channel-started",
        ChannelEventKind.ChannelEnded => "channel-ended",
        ChannelEventKind.SegmentStarted => "segment-started",
        ChannelEventKind.SegmentCompleted => "segment-completed",
        ChannelEventKind.SegmentAborted => "segment-aborted",
        ChannelEventKind.ManifestUpdated => "manifest-updated",
        _ => "unknown",
    };
}
