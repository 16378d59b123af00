namespace CmafOrigin.Delivery.Hls;

/// <summary>What the playlist writers need of a channel: the names' base and the MPD as HLS sees it.</summary>
internal sealed record HlsChannelView(string BaseName, HlsPresentation Presentation);
