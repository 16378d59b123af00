namespace CmafOrigin.Delivery;

/// <summary>How Delivery waits and reads (section <c>Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    /// <summary>
    /// How long a request for a path with nothing on it waits for an upload to start there before 404:
    /// players ask for the next segment slightly before the encoder starts it.
    /// </summary>
    public TimeSpan EarlyRequestWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A feed that heard no event for this long reads Redis once anyway. Pub/sub is at-most-once
    /// (a reconnect can lose a message), and an Ingest that died mid-upload sends no abort: this
    /// re-read is what notices. Per in-progress object, not per viewer.
    /// </summary>
    public TimeSpan FeedSafetyRecheck { get; set; } = TimeSpan.FromSeconds(2);
}
