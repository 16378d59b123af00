namespace CmafOrigin.TestSupport;

/// <summary>One video rendition of <see cref="FfmpegEncoder"/>.</summary>
public sealed record VideoRendition(int Width, int Height, int KilobitsPerSecond);
