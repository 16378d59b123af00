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

    /// <summary>Orders version ids by the time their upload began (milliseconds first; the random part only breaks ties).</summary>
    public static int Compare(string a, string b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
}
