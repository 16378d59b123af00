using Microsoft.Net.Http.Headers;

namespace CmafOrigin.Delivery.Http;

/// <summary>One file of a page Delivery serves itself (/player, /status), held in memory with a strong validator of its bytes.</summary>
/// <param name="Name">The file name, e.g. <c>player.js</c>.</param>
/// <param name="ContentType">The full Content-Type, with charset for text.</param>
/// <param name="Content">The bytes, exactly as embedded.</param>
/// <param name="ETag">A hash of <paramref name="Content"/>: a revalidation after a rebuild only transfers what changed.</param>
internal sealed record EmbeddedFile(string Name, string ContentType, ReadOnlyMemory<byte> Content, EntityTagHeaderValue ETag)
{
    /// <summary>The page itself; the other files are what it loads.</summary>
    public bool IsPage => Name == EmbeddedFiles.PageName;
}
