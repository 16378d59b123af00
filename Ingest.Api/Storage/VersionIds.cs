using System.Security.Cryptography;

namespace CmafOrigin.Ingest.Storage;

/// <summary>
/// Version ids: the upload's start time in milliseconds plus randomness, in hex. Unique across
/// Ingest instances without a shared counter key (which would outlive every object it counted).
/// </summary>
internal static class VersionIds
{
    public static string New(DateTimeOffset now) =>
        $"{now.ToUnixTimeMilliseconds():x}{RandomNumberGenerator.GetHexString(8, lowercase: true)}";
}
