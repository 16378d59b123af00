using CmafOrigin.Delivery.Feeds;
using CmafOrigin.Delivery.Storage;

namespace CmafOrigin.Delivery.Hls;

/// <summary>What every LL-HLS channel of this process reads from: Delivery's own reader, cache, feeds and start signals.</summary>
internal sealed class HlsChannelContext(
    ObjectReader reader,
    CompletedObjectCache completed,
    LiveFeedHub hub,
    UploadStartSignals startSignals,
    TimeProvider time,
    ILogger<HlsChannelContext> logger)
{
    public ObjectReader Reader => reader;

    public CompletedObjectCache Completed => completed;

    public LiveFeedHub Hub => hub;

    public UploadStartSignals StartSignals => startSignals;

    public TimeProvider Time => time;

    public ILogger Logger => logger;
}
