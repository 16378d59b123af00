namespace CmafOrigin.Delivery.Status;

/// <summary>The /status page's feed (section <c>Delivery</c>, next to <see cref="DeliveryOptions"/>).</summary>
public sealed class StatusOptions
{
    public const string SectionName = DeliveryOptions.SectionName;

    /// <summary>
    /// Whether /status is served. Unset: on, unless signed playback is on, because the page names every channel and
    /// its figures to anyone who can reach Delivery, which an origin that signs its playback URLs keeps to itself.
    /// </summary>
    public bool? StatusPage { get; set; }

    /// <summary>How often a snapshot is built and pushed to every open /status page (only while one is open).</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Points each chart keeps: two minutes at the default interval.</summary>
    public int StatusHistory { get; set; } = 120;
}
