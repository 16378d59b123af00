using System.Security.Cryptography;

namespace CmafOrigin.AppHost;

/// <summary>
/// The HTTP Basic credential AppHost gives Ingest for every path (Ingest refuses anonymous uploads outside
/// Development), prints in its banner and hands the demo encoder: generated per run unless given.
/// </summary>
internal sealed record IngestCredential(string Username, string Password)
{
    public const string DefaultUsername = "encoder";

    /// <summary>A fresh password: 18 random bytes, base64url (24 characters that need no quoting in a URL or a shell).</summary>
    public static IngestCredential Generate(string username = DefaultUsername) =>
        new(username, Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_'));

    /// <summary><paramref name="url"/> with the credential in it, as ffmpeg takes it: <c>http://encoder:secret@localhost:5000/...</c>.</summary>
    public Uri In(Uri url) =>
        new UriBuilder(url) { UserName = Uri.EscapeDataString(Username), Password = Uri.EscapeDataString(Password) }.Uri;

    /// <summary>Ingest's configuration for it, as environment variables: one credential granting every path.</summary>
    public IEnumerable<KeyValuePair<string, string>> Environment() =>
    [
        new("Ingest__Auth__Credentials__0__Prefix", "/"),
        new("Ingest__Auth__Credentials__0__Username", Username),
        new("Ingest__Auth__Credentials__0__Password", Password),
    ];

    /// <summary>Never the password: records print themselves in logs and test output.</summary>
    public override string ToString() => $"{Username}:***";
}
