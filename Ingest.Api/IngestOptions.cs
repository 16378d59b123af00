using System.ComponentModel.DataAnnotations;

namespace CmafOrigin.Ingest;

/// <summary>Limits and retention of uploads (section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>Largest object accepted; a larger body gets 413 and its partial upload is aborted.</summary>
    [Range(1, long.MaxValue)]
    public long MaxObjectBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>An upload that sends nothing for this long is aborted (a stalled encoder must not hang viewers).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a completed object stays on Redis after its upload ended.</summary>
    public TimeSpan CompletedRetention { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// An archive reads this origin's segments (Archive.Worker): an encoder's DELETE then hides a completed segment at
    /// once but leaves its bytes until <see cref="CompletedRetention"/>, and deleting a channel's last object leaves
    /// its activity log, so the archive can still read what the encoder removed a moment after uploading it (ffmpeg's
    /// remove_at_exit deletes the last segments about a second after they complete).
    /// </summary>
    public bool HoldDeletedForArchive { get; set; }

    /// <summary>How long an aborted upload's remains stay, long enough for its viewers to see the abort.</summary>
    public TimeSpan AbortedRetention { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Uploads one channel may have open at once on this process; more get 429. A live low-latency
    /// encoder keeps about two per rendition open (the segment being written and, at its boundary,
    /// the next one or the manifest), so the default leaves room for a large ladder with HLS playlists.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxUploadsPerChannel { get; set; } = 64;

    /// <summary>Uploads this process accepts at once over all channels; more get 503.</summary>
    [Range(1, int.MaxValue)]
    public int MaxUploads { get; set; } = 1024;

    /// <summary>
    /// On SIGTERM, how long uploads in flight may take to finish before they are cut (and aborted on
    /// Redis, so their viewers fail rather than hang). New uploads are refused meanwhile.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Keys of an upload in progress expire this long after its last piece, so the remains of an
    /// Ingest process that died mid-upload clean themselves up.
    /// </summary>
    public TimeSpan UploadingTtl => IdleTimeout * 3 > TimeSpan.FromSeconds(30) ? IdleTimeout * 3 : TimeSpan.FromSeconds(30);
}
