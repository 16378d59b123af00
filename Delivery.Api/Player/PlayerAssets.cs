using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace CmafOrigin.Delivery.Player;

/// <summary>
/// The /player page's files, embedded in this assembly by Delivery.Api.csproj (the page from
/// <c>Player/</c>, dash.js from the npm package pinned in <c>Player/package-lock.json</c>), so they are
/// found whatever the working directory or content root.
/// </summary>
internal static class PlayerAssets
{
    public const string PageName = "index.html";

    /// <summary>The prefix of their manifest resource names (the csproj's LogicalName).</summary>
    private const string ResourcePrefix = "player/";

    private static readonly Lazy<IReadOnlyDictionary<string, PlayerAsset>> Embedded = new(Load);

    /// <summary>Every file by name, e.g. <c>index.html</c>, <c>player.js</c>, <c>dash.all.min.js</c>.</summary>
    public static IReadOnlyDictionary<string, PlayerAsset> All => Embedded.Value;

    private static Dictionary<string, PlayerAsset> Load()
    {
        var assembly = typeof(PlayerAssets).Assembly;
        var assets = new Dictionary<string, PlayerAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            var content = Read(assembly, resource);
            var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..32];
            assets[name] = new PlayerAsset(name, ContentTypeOf(name), content, new EntityTagHeaderValue($"\"{hash}\""));
        }

        if (!assets.ContainsKey(PageName) || !assets.ContainsKey("dash.all.min.js"))
        {
            throw new InvalidOperationException($"the player's files are not embedded in {assembly.GetName().Name} (found: {string.Join(", ", assets.Keys)})");
        }

        return assets;
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
}
