namespace CmafOrigin.Originctl;

/// <summary>originctl's exit codes, distinct per kind of failure so scripts can tell them apart.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The origin answered with an error not listed below, or a stream ended unexpectedly.</summary>
    public const int Failed = 1;

    /// <summary>Bad command line (System.CommandLine's own parse errors also exit 1 with usage; ours use 2).</summary>
    public const int Usage = 2;

    /// <summary>Nothing answered at the control URL, or it did not answer in time.</summary>
    public const int Unreachable = 3;

    /// <summary>The admin token was missing or refused.</summary>
    public const int Unauthenticated = 4;

    /// <summary>The channel named does not exist.</summary>
    public const int NotFound = 5;
}
