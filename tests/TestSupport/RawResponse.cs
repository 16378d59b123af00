using System.Text;

namespace CmafOrigin.TestSupport;

/// <summary>An answer read off a <see cref="RawConnection"/>.</summary>
public sealed record RawResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>The first value of header <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The server said it closes the connection after this answer.</summary>
    public bool Closes => string.Equals(Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);
}
