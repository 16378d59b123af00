using System.Globalization;

namespace CmafOrigin.Archive.Finalizing;

/// <summary>Bytes [<paramref name="Offset"/>, +<paramref name="Length"/>) of a final track file.</summary>
internal readonly record struct ByteRange(long Offset, long Length)
{
    public long End => Offset + Length;

    /// <summary>DASH's inclusive <c>first-last</c> (indexRange, Initialization@range).</summary>
    public string ToDash() => string.Create(CultureInfo.InvariantCulture, $"{Offset}-{End - 1}");

    /// <summary>HLS's <c>length@offset</c> (EXT-X-BYTERANGE, EXT-X-MAP BYTERANGE).</summary>
    public string ToHls() => string.Create(CultureInfo.InvariantCulture, $"{Length}@{Offset}");
}
