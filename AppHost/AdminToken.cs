using System.Security.Cryptography;

namespace CmafOrigin.AppHost;

/// <summary>The Bearer token of the control plane's admin calls: the AppHost's own <c>Control__AdminToken</c>, or a fresh one per run.</summary>
internal static class AdminToken
{
    public const string EnvironmentVariable = "Control__AdminToken";

    public static string FromEnvironmentOrNew() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given
            ? given
            : RandomNumberGenerator.GetHexString(64, lowercase: true);
}
