using System.Security.Cryptography;

namespace CmafOrigin.AppHost;

/// <summary>
/// The HTTP Basic credential encoders publish with (Ingest refuses anonymous uploads outside Development):
/// generated per run unless given, handed to Ingest and the demo encoder, printed in the banner, never stored.
/// </summary>
internal sealed record IngestCredential(string Username, string Password)
{
    public const string DefaultUsername = "encoder";

    /// <summary>A fresh password: 18 random bytes, base64url (24 characters that need no quoting in a URL or a shell).</summary>
    public static IngestCredential Generate(string username = DefaultUsername) =>
        new(username, Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_'));

    /// <summary>The one given on the command line, or a fresh one.</summary>
    public static IngestCredential From(AppHostOptions options) =>
        options.IngestPassword is { } password ? new IngestCredential(options.IngestUser, password) : Generate(options.IngestUser);

    /// <summary><paramref name="url"/> with the credential in it, as ffmpeg takes it: <c>http://encoder:secret@localhost:5000/...</c>.</summary>
    public Uri In(Uri url) =>
        new UriBuilder(url) { UserName = Uri.EscapeDataString(Username), Password = Uri.EscapeDataString(Password) }.Uri;

    /// <summary>Never the password: records print themselves in logs and test output.</summary>
    public override string ToString() => $"{Username}:***";
}
