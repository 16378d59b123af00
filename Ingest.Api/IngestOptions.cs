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

    /// <summary>How long an aborted upload's remains stay, long enough for its viewers to see the abort.</summary>
    public TimeSpan AbortedRetention { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Keys of an upload in progress expire this long after its last piece, so the remains of an
    /// Ingest process that died mid-upload clean themselves up.
    /// </summary>
    public TimeSpan UploadingTtl => IdleTimeout * 3 > TimeSpan.FromSeconds(30) ? IdleTimeout * 3 : TimeSpan.FromSeconds(30);
}
