using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CmafOrigin.Contracts.Paths;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CmafOrigin.Ingest.Auth;

/// <summary>
/// The configured credentials, kept only as SHA-256 hashes, and the check of a request's Authorization header
/// against them.
/// </summary>
/// <remarks>
/// Secrets are compared as hashes of fixed length with <see cref="CryptographicOperations.FixedTimeEquals"/>, and
/// every credential is compared on every request (no early exit), so the time taken says nothing about how much
/// of a secret, or which user name, was right.
/// </remarks>
internal sealed class IngestCredentials
{
    /// <summary>Longer Authorization headers are refused unread.</summary>
    private const int MaxHeaderLength = 4096;

    private readonly Entry[] _entries;

    public IngestCredentials(IOptions<IngestAuthOptions> options)
    {
        var settings = options.Value;
        _entries = [.. settings.Credentials.Select(ToEntry)];
        Realm = settings.Realm;
    }

    /// <summary>No credential is configured and the options allow that (Development, or AllowAnonymous): anyone may publish.</summary>
    public bool AllowsAnyone => _entries.Length == 0;

    public int Count => _entries.Length;

    public string Realm { get; }

    /// <summary>The distinct prefixes granted, for the startup log.</summary>
    public IEnumerable<PathPrefix> Prefixes => _entries.Select(entry => entry.Prefix).Distinct();

    /// <summary>Checks <paramref name="authorization"/>; when accepted, <paramref name="grants"/> holds the prefixes of every credential it matches.</summary>
    public IngestAuthentication Authenticate(StringValues authorization, out IReadOnlyList<PathPrefix> grants)
    {
        grants = [];
        if (authorization.Count == 0)
        {
            return IngestAuthentication.Missing;
        }

        if (authorization.Count > 1 || authorization[0] is not { } header || header.Length > MaxHeaderLength)
        {
            return IngestAuthentication.Malformed;
        }

        var span = header.AsSpan().Trim();
        var space = span.IndexOf(' ');
        if (space <= 0)
        {
            return IngestAuthentication.Missing;
        }

        var scheme = span[..space];
        var parameter = span[(space + 1)..].Trim();
        Kind kind;
        byte[] hash;
        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            kind = Kind.Basic;
            if (!TryDecodeBasic(parameter, out hash))
            {
                return IngestAuthentication.Malformed;
            }
        }
        else if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            kind = Kind.Bearer;
            if (parameter.IsEmpty || parameter.ContainsAny(' ', '\t'))
            {
                return IngestAuthentication.Malformed;
            }

            hash = Hash(Encoding.UTF8.GetBytes(parameter.ToString()));
        }
        else
        {
            // Digest, Negotiate, ...: not offered here, so the same as no credentials.
            return IngestAuthentication.Missing;
        }

        List<PathPrefix>? matched = null;
        foreach (var entry in _entries)
        {
            var expected = kind == Kind.Basic ? entry.BasicHash : entry.BearerHash;
            // Compared even when this entry has no secret of this kind (against a hash nothing produces), so that
            // every request does the same work whatever it matches.
            if (CryptographicOperations.FixedTimeEquals(expected ?? Unmatchable, hash))
            {
                (matched ??= []).Add(entry.Prefix);
            }
        }

        if (matched is null)
        {
            return IngestAuthentication.Rejected;
        }

        grants = matched;
        return IngestAuthentication.Accepted;
    }

    /// <summary>32 bytes no SHA-256 of a user's secret will equal (it is one of a random value).</summary>
    private static readonly byte[] Unmatchable = Hash(RandomNumberGenerator.GetBytes(32));

    private static bool TryDecodeBasic(ReadOnlySpan<char> parameter, out byte[] hash)
    {
        hash = [];
        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(parameter.Length)];
        if (!Convert.TryFromBase64Chars(parameter, decoded, out var length) || decoded.AsSpan(0, length).IndexOf((byte)':') < 0)
        {
            return false;
        }

        // user:password as the client sent it, hashed as bytes: no decoding of its text is needed to compare it.
        hash = Hash(decoded.AsSpan(0, length));
        CryptographicOperations.ZeroMemory(decoded);
        return true;
    }

    private static Entry ToEntry(IngestCredentialOptions credential) => new(
        PathPrefix.Parse(credential.Prefix!),
        string.IsNullOrEmpty(credential.Username) ? null : Hash(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")),
        string.IsNullOrEmpty(credential.Token) ? null : Hash(Encoding.UTF8.GetBytes(credential.Token)));

    private static byte[] Hash(ReadOnlySpan<byte> secret) => SHA256.HashData(secret);

    private enum Kind
    {
        Basic,
        Bearer,
    }

    private sealed record Entry(PathPrefix Prefix, byte[]? BasicHash, byte[]? BearerHash);
}
