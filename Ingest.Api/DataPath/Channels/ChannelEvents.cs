using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace CmafOrigin.Ingest.Channels;

/// <summary>
/// The ChannelEvent bytes Ingest's scripts append to a channel's activity stream and publish. Given the channel's
/// directory; the event names it as operators do (<see cref="ChannelName"/>: the root is <c>/</c>).
/// </summary>
internal static class ChannelEvents
{
    public static byte[] Channel(string channel, ChannelEventKind kind, DateTimeOffset at) =>
        new ChannelEvent { Channel = ChannelName.Of(channel), Kind = kind, At = Timestamp.FromDateTimeOffset(at) }.ToByteArray();

    public static byte[] Manifest(string channel, string path, string version, DateTimeOffset at) =>
        new ChannelEvent
        {
            Channel = ChannelName.Of(channel),
            Kind = ChannelEventKind.ManifestUpdated,
            Path = path,
            Version = version,
            At = Timestamp.FromDateTimeOffset(at),
        }.ToByteArray();

    public static byte[] Segment(string channel, ChannelEventKind kind, string path, string version, SegmentName? segment, long size, DateTimeOffset at) =>
        new ChannelEvent
        {
            Channel = ChannelName.Of(channel),
            Kind = kind,
            Path = path,
            Track = segment?.Track ?? string.Empty,
            SegmentNumber = segment?.Number ?? 0,
            Size = size,
            Version = version,
            At = Timestamp.FromDateTimeOffset(at),
        }.ToByteArray();
}
