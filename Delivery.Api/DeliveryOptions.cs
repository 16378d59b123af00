using CmafOrigin.Delivery.Manifests;

namespace CmafOrigin.Delivery;

/// <summary>How Delivery waits, reads and answers (section <c>Delivery</c>).</summary>
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

    /// <summary>
    /// An uploading version states how long its Ingest lets it be silent before aborting it (its idle timeout); one
    /// silent for that long plus this margin, on this process's clock, has no live writer (its Ingest died, so no abort
    /// marker will come) and its viewers are reset. The margin covers a piece delayed on its way through Redis.
    /// </summary>
    public TimeSpan UploadStallMargin { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Memory for completed objects kept ready to serve, so a popular segment is read from Redis once.</summary>
    public long CompletedCacheBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Requests for objects this process answers at once; more get 503 with <c>Retry-After</c>.</summary>
    public int MaxViewers { get; set; } = 10_000;

    /// <summary>
    /// A viewer of a segment still uploading whose socket takes no write for this long is disconnected
    /// (connection reset, never a clean end): a live viewer that cannot keep up is of no use to itself, and
    /// must not keep a feed, a request and its buffers alive. Completed objects are guarded by Kestrel's
    /// <c>MinResponseDataRate</c> (240 bytes/s after a 5 s grace) instead.
    /// </summary>
    public TimeSpan ViewerWriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Kestrel runs the continuations of socket and response-pipe operations on the thread that completed them rather
    /// than queueing each to the thread pool again (<c>SocketTransportOptions.UnsafePreferInlineScheduling</c>). In the
    /// fan-out benchmark that is about 30 % less CPU per viewer per chunk and a third less memory (docs/benchmarks.md,
    /// issue 16). Safe here because nothing in Delivery blocks a thread; off only to compare.
    /// </summary>
    public bool InlineScheduling { get; set; } = true;

    /// <summary>On SIGTERM, how long responses in flight may take to finish before their connections are reset.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>What Delivery does to the UTCTiming of the manifests it serves.</summary>
    public UtcTimingMode UtcTiming { get; set; } = UtcTimingMode.Replace;

    /// <summary>
    /// How far behind the live edge a player may seek; zero (the default) for no DVR. Live MPDs then advertise it as
    /// their <c>timeShiftBufferDepth</c>, and a segment Redis no longer holds is served from the archive's live run
    /// (<c>Archive:Directory</c>, written by Archive.Worker) while it is within the window.
    /// </summary>
    public TimeSpan DvrWindow { get; set; }

    public CorsSettings Cors { get; set; } = new();

    public CacheControlSettings CacheControl { get; set; } = new();

    public sealed class CorsSettings
    {
        /// <summary>Origins whose pages may play from this origin; empty (or "*") allows any.</summary>
        public string[] AllowedOrigins { get; set; } = [];
    }

    /// <summary>Cache-Control per kind of answer; <c>{0}</c> is replaced by the seconds left in the object's retention.</summary>
    public sealed class CacheControlSettings
    {
        /// <summary>Manifests and playlists are replaced every segment: never serve a stale one.</summary>
        public string Manifest { get; set; } = "no-cache";

        /// <summary>A completed media segment: its name is not used again while it is retained.</summary>
        public string Media { get; set; } = "public, max-age={0}, immutable";

        /// <summary>
        /// A completed init segment. Its name comes back with every encoder run (ffmpeg's <c>init-stream0.m4s</c>), maybe
        /// with another codec or size: a cache may keep it but must revalidate it (its ETag is per version, so a 304 is cheap).
        /// </summary>
        public string Init { get; set; } = "no-cache";

        /// <summary>
        /// A segment still uploading. Its response is reset if the upload aborts, so a cache never keeps
        /// a truncated copy; still, caches are told to revalidate unless configured otherwise.
        /// </summary>
        public string InProgress { get; set; } = "no-cache";

        /// <summary>Nothing there yet: a CDN must not remember the 404 of a segment asked for a moment early.</summary>
        public string NotFound { get; set; } = "no-store";

        /// <summary>A channel's list of archived runs (<c>…/archive/</c>): runs start, grow and end, so it is revalidated.</summary>
        public string ArchiveListing { get; set; } = "no-cache";

        /// <summary>A file of a final archived run: written once, never changed, never named again.</summary>
        public string ArchiveFile { get; set; } = "public, max-age=31536000, immutable";
    }
}
