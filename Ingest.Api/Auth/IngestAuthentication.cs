namespace CmafOrigin.Ingest.Auth;

/// <summary>What the Authorization header of a request proved.</summary>
internal enum IngestAuthentication
{
    /// <summary>No Authorization header, or a scheme other than Basic and Bearer: 401 with a challenge.</summary>
    Missing,

    /// <summary>Basic or Bearer, but unreadable: 401 with a challenge.</summary>
    Malformed,

    /// <summary>Well-formed, and no configured credential matches: 403.</summary>
    Rejected,

    /// <summary>Matches at least one configured credential.</summary>
    Accepted,
}
