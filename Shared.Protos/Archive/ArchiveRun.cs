using System.Text.Json.Serialization;

namespace CmafOrigin.Contracts.Archive;

/// <summary>
/// A run's <c>run.json</c>: one live event of a channel, from its first upload after a quiet period to the encoder's
/// end. Written by Archive.Worker (always whole, by rename: a reader never sees half a file), read by Delivery.
/// </summary>
public sealed record ArchiveRun
{
    public required string Id { get; init; }

    /// <summary>The channel's directory (<c>live/demo</c>; empty for the root channel).</summary>
    public required string Channel { get; init; }

    public required ArchiveRunState State { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Null while the run is live.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The longest track's archived media time, in seconds.</summary>
    public double Duration { get; init; }

    /// <summary>The wall clock of media time 0 (the MPD's availabilityStartTime plus its period start), when known.</summary>
    public DateTimeOffset? MediaTimeZero { get; init; }

    public IReadOnlyList<ArchiveTrack> Tracks { get; init; } = [];

    public IReadOnlyList<ArchiveGap> Gaps { get; init; } = [];

    /// <summary>Why archiving this run stopped early (a write failed, the disk is full); null when it did not.</summary>
    public string? Error { get; init; }
}

/// <summary>Live: segments are still being appended. Final: the files are finished and never change again.</summary>
public enum ArchiveRunState
{
    [JsonStringEnumMemberName("live")]
    Live,

    [JsonStringEnumMemberName("final")]
    Final,
}

/// <summary>One representation of a run, as its MPD described it, and what of it is archived.</summary>
public sealed record ArchiveTrack
{
    /// <summary>Representation@id.</summary>
    public required string Id { get; init; }

    /// <summary><c>video</c>, <c>audio</c> or <c>text</c>.</summary>
    public required string ContentType { get; init; }

    public string MimeType { get; init; } = "video/mp4";

    public string Codecs { get; init; } = string.Empty;

    public long Bandwidth { get; init; }

    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>As the MPD wrote it (<c>30</c>, <c>30000/1001</c>); empty when it did not.</summary>
    public string FrameRate { get; init; } = string.Empty;

    public int AudioSamplingRate { get; init; }

    public string Language { get; init; } = string.Empty;

    /// <summary>The init segment's timescale: the unit of the journal's decode times and durations.</summary>
    public uint Timescale { get; init; }

    /// <summary>The name the encoder uploaded the init segment under (<c>init-stream0.m4s</c>).</summary>
    public string InitName { get; init; } = string.Empty;

    /// <summary>Bytes of the init segment at the start of the live file.</summary>
    public long InitSize { get; init; }

    /// <summary>Segments archived.</summary>
    public int Segments { get; init; }

    /// <summary>Bytes of the track's file: the live file while live, the final one after.</summary>
    public long Bytes { get; init; }

    /// <summary>Archived media time of this track, in seconds.</summary>
    public double Duration { get; init; }
}

/// <summary>Segments of a track that are not in the archive, and why (aborted upload, never uploaded, lost from Redis).</summary>
public sealed record ArchiveGap
{
    public required string Track { get; init; }

    /// <summary>First missing segment number (as the encoder numbered them).</summary>
    public required long FromSegment { get; init; }

    /// <summary>Last missing segment number, inclusive.</summary>
    public required long ToSegment { get; init; }

    public required string Reason { get; init; }
}
