namespace CmafOrigin.Delivery.Status;

/// <summary>What every open /status page receives each tick, as JSON in one server-sent event.</summary>
/// <param name="At">When it was built (Unix ms).</param>
/// <param name="Instances">Delivery instances reporting now.</param>
/// <param name="Error">Why the snapshot is empty (Redis unreachable), or null.</param>
/// <param name="DeliveryInstances">Each reporting instance's last report, by id.</param>
internal sealed record StatusSnapshot(long At, int Instances, string? Error, IReadOnlyList<ChannelStatus> Channels, IReadOnlyList<InstanceStatus> DeliveryInstances);

/// <param name="DeliveredBitrate">Bits per second written to viewers over its last report interval.</param>
/// <param name="RedisReadsPerSecond">Redis commands its data path issued per second over its last report interval.</param>
/// <param name="ReportedAt">When it last reported (Unix ms).</param>
/// <param name="Channels">Channels it delivered in its last interval, by name, with its viewers of each.</param>
internal sealed record InstanceStatus(
    string Id,
    int Viewers,
    long DeliveredBytes,
    long DeliveredBitrate,
    double RedisReadsPerSecond,
    long ReportedAt,
    IReadOnlyList<ServedChannel> Channels);

/// <summary>One channel an instance serves, with that instance's viewers of it.</summary>
internal sealed record ServedChannel(string Name, int Viewers);

/// <summary>One instance serving a channel, with its viewers of it.</summary>
internal sealed record ServingInstance(string Id, int Viewers);

/// <param name="State"><c>live</c> or <c>ended</c>.</param>
/// <param name="PassThroughP50Ms">Live pass-through (chunks that arrived while their viewer waited): median over the instances' medians, weighted by their viewers; 0 with no traffic.</param>
/// <param name="PassThroughP99Ms">The worst instance's 99th percentile; 0 with no traffic.</param>
/// <param name="ServedBy">The Delivery instances that delivered it in their last interval, by id, with their viewers of it.</param>
internal sealed record ChannelStatus(
    string Name,
    string State,
    string Manifest,
    IReadOnlyList<TrackStatus> Tracks,
    long LatestSegment,
    long IngestBitrate,
    int Viewers,
    double PassThroughP50Ms,
    double PassThroughP99Ms,
    long StartedAt,
    long LastActivityAt,
    IReadOnlyList<ServingInstance> ServedBy,
    ChannelHistory History);

internal sealed record TrackStatus(string Id, string ContentType, string Codecs, long Bandwidth, int Width, int Height, long LatestSegment);
