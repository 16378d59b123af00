namespace CmafOrigin.TestSupport;

/// <summary>What <see cref="FfmpegEncoder"/> encodes.</summary>
public sealed record FfmpegEncoderSettings
{
    /// <summary>Two small video renditions and one audio track, 2 minutes at most: light enough for a shared 2-core machine.</summary>
    public static FfmpegEncoderSettings Default { get; } = new();

    /// <summary>Video renditions, largest first (the test source is drawn at the first one's size).</summary>
    public IReadOnlyList<VideoRendition> Video { get; init; } = [new(640, 360, 800), new(426, 240, 400)];

    public int FrameRate { get; init; } = 30;

    /// <summary>How long the sources run; ffmpeg ends by itself after this (and removes what it published).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>x264 threads per rendition; few, since tests run in parallel on a small machine.</summary>
    public int EncoderThreads { get; init; } = 1;

    /// <summary>
    /// An Authorization header value sent with every upload (e.g. <c>Bearer ...</c>); Basic credentials go in the
    /// ingest URL instead (<c>http://user:password@host/</c>).
    /// </summary>
    public string? Authorization { get; init; }

    /// <summary>
    /// Keep encoding when an upload fails (<c>-ignore_io_errors 1</c>), as a long-running live encoder is
    /// configured: what the fault tests need to see the stream recover without restarting ffmpeg.
    /// </summary>
    public bool IgnoreIoErrors { get; init; }

    /// <summary>Segments the MPD lists (<c>-window_size</c>, its <c>timeShiftBufferDepth</c>); as many more stay on the origin.</summary>
    public int WindowSize { get; init; } = 3;
}
