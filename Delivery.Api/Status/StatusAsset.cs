using Microsoft.Net.Http.Headers;

namespace CmafOrigin.Delivery.Status;

/// <summary>One file of the /status page, held in memory with a strong validator of its bytes.</summary>
internal sealed record StatusAsset(string Name, string ContentType, ReadOnlyMemory<byte> Content, EntityTagHeaderValue ETag)
{
    public bool IsPage => Name == StatusAssets.PageName;
}
