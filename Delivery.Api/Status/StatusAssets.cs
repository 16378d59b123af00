using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace CmafOrigin.Delivery.Status;

/// <summary>
/// The /status page's files (<c>Status/*.html|js|css</c>), embedded in this assembly by Delivery.Api.csproj: our own
/// HTML, CSS and JS, the charts drawn on canvas; nothing from a CDN.
/// </summary>
internal static class StatusAssets
{
    public const string PageName = "index.html";

    /// <summary>The prefix of their manifest resource names (the csproj's LogicalName).</summary>
    private const string ResourcePrefix = "status/";

    private static readonly Lazy<IReadOnlyDictionary<string, StatusAsset>> Embedded = new(Load);

    /// <summary>Every file by name: <c>index.html</c>, <c>status.js</c>, <c>status.css</c>.</summary>
    public static IReadOnlyDictionary<string, StatusAsset> All => Embedded.Value;

    private static Dictionary<string, StatusAsset> Load()
    {
        var assembly = typeof(StatusAssets).Assembly;
        var assets = new Dictionary<string, StatusAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            var content = Read(assembly, resource);
            var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..32];
            assets[name] = new StatusAsset(name, ContentTypeOf(name), content, new EntityTagHeaderValue($"\"{hash}\""));
        }

        if (!assets.ContainsKey(PageName))
        {
            throw new InvalidOperationException($"the status page's files are not embedded in {assembly.GetName().Name} (found: {string.Join(", ", assets.Keys)})");
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
