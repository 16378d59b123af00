using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CmafOrigin.Contracts.Paths;

namespace CmafOrigin.Contracts.Playback;

/// <summary>
/// Signs and checks playback tokens: <c>&lt;expires&gt;.&lt;prefix&gt;.&lt;signature&gt;</c>, where expires is Unix
/// seconds, prefix the base64url of the <see cref="PathPrefix"/> granted (empty for every path) and signature the
/// base64url HMAC-SHA256, under the shared key, of <c>cmaforigin-playback-v1\n&lt;prefix&gt;\n&lt;expires&gt;</c>.
/// Every character of a token is allowed in a path segment and a query value, unescaped.
/// </summary>
/// <remarks>
/// A token goes in the path, <c>/~t/&lt;token&gt;/live/demo/out.mpd</c>, so that the relative segment URLs of a
/// manifest (DASH SegmentTemplate and BaseURL, HLS playlists) resolve under the same <c>/~t/&lt;token&gt;/</c> and
/// carry it with no rewrite of the manifest; or in the query, <c>?token=</c>, for a single object.
/// </remarks>
public sealed class PlaybackSigner
{
    /// <summary>Shortest key accepted: 32 characters, e.g. <c>openssl rand -base64 32</c> (44).</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>The first segment of a path that carries a token: <c>/~t/&lt;token&gt;/&lt;object path&gt;</c>.</summary>
    public const string PathMarker = "~t";

    /// <summary>The query parameter that carries a token.</summary>
    public const string QueryParameter = "token";

    /// <summary>Longer tokens are refused unread (a prefix is at most <see cref="ObjectPath.MaxLength"/> characters).</summary>
    private const int MaxTokenLength = 1024;

    private const int SignatureBytes = 32;
    private const string Domain = "cmaforigin-playback-v1";

    private readonly byte[] _key;

    /// <param name="key">The shared secret (<c>Delivery:SignedPlayback:Key</c>), at least <see cref="MinimumKeyLength"/> characters.</param>
    public PlaybackSigner(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"a playback key must be at least {MinimumKeyLength} characters long", nameof(key));
        }

        _key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>A token granting <paramref name="prefix"/> until <paramref name="expires"/> (to the second).</summary>
    public string Sign(PathPrefix prefix, DateTimeOffset expires)
    {
        var seconds = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var encodedPrefix = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(prefix.Value));
        return $"{seconds}.{encodedPrefix}.{Base64Url.EncodeToString(Mac(prefix.Value, seconds))}";
    }

    /// <summary>
    /// The path a player is given for <paramref name="objectPath"/> (e.g. <c>live/demo/out.mpd</c>), with a token
    /// granting <paramref name="prefix"/>: <c>/~t/&lt;token&gt;/live/demo/out.mpd</c>.
    /// </summary>
    public string SignPath(string objectPath, PathPrefix prefix, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(objectPath);
        return $"/{PathMarker}/{Sign(prefix, expires)}/{objectPath.TrimStart('/')}";
    }

    /// <summary>Checks <paramref name="token"/> for <paramref name="path"/> at <paramref name="now"/>; the signature is compared in constant time.</summary>
    public PlaybackVerdict Check(ReadOnlySpan<char> token, ObjectPath path, DateTimeOffset now)
    {
        var verdict = Check(token, now, out var prefix);
        return verdict != PlaybackVerdict.Valid || prefix.Covers(path) ? verdict : PlaybackVerdict.OutsidePrefix;
    }

    /// <summary>Checks that <paramref name="token"/> is ours and unexpired; <paramref name="prefix"/> is then what it grants.</summary>
    public PlaybackVerdict Check(ReadOnlySpan<char> token, DateTimeOffset now, out PathPrefix prefix)
    {
        prefix = default;
        if (token.IsEmpty)
        {
            return PlaybackVerdict.Missing;
        }

        if (!TryParse(token, out var seconds, out var expires, out var granted, out var signature))
        {
            return PlaybackVerdict.Malformed;
        }

        // Authentic first: an expired or foreign token is only reported as such once it is known to be ours.
        if (!CryptographicOperations.FixedTimeEquals(Mac(granted.Value, seconds), signature))
        {
            return PlaybackVerdict.BadSignature;
        }

        if (now.ToUnixTimeSeconds() >= expires)
        {
            return PlaybackVerdict.Expired;
        }

        prefix = granted;
        return PlaybackVerdict.Valid;
    }

    /// <summary>A short reason for a refusal, safe to show the viewer.</summary>
    public static string Reason(PlaybackVerdict verdict) => verdict switch
    {
        PlaybackVerdict.Missing => "a playback token is required",
        PlaybackVerdict.Malformed => "the playback token is malformed",
        PlaybackVerdict.BadSignature => "the playback token's signature is not valid",
        PlaybackVerdict.Expired => "the playback token has expired",
        PlaybackVerdict.OutsidePrefix => "the playback token does not grant this path",
        _ => "the playback token is valid",
    };

    private static bool TryParse(ReadOnlySpan<char> token, out string seconds, out long expires, out PathPrefix prefix, out byte[] signature)
    {
        seconds = string.Empty;
        expires = 0;
        prefix = default;
        signature = [];
        if (token.Length > MaxTokenLength)
        {
            return false;
        }

        Span<Range> parts = stackalloc Range[4];
        if (token.Split(parts, '.') != 3)
        {
            return false;
        }

        var secondsText = token[parts[0]];
        if (secondsText.Length is 0 or > 12 || !long.TryParse(secondsText, NumberStyles.None, CultureInfo.InvariantCulture, out expires))
        {
            return false;
        }

        seconds = secondsText.ToString();
        if (!TryDecode(token[parts[1]], out var prefixBytes) || !TryDecode(token[parts[2]], out signature) || signature.Length != SignatureBytes)
        {
            return false;
        }

        string prefixText;
        try
        {
            prefixText = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(prefixBytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        if (prefixText.Length == 0)
        {
            prefix = PathPrefix.Everything;
            return true;
        }

        // Only the canonical spelling (as Sign writes it) is accepted: one prefix, one token.
        return PathPrefix.TryParse(prefixText, out prefix, out _) && prefix.Value == prefixText;
    }

    private static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (!Base64Url.IsValid(text, out var length))
        {
            return false;
        }

        bytes = new byte[length];
        return Base64Url.TryDecodeFromChars(text, bytes, out var written) && written == length;
    }

    private byte[] Mac(string prefix, string seconds) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{Domain}\n{prefix}\n{seconds}"));
}
