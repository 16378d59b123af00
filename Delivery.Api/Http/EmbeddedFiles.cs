using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CmafOrigin.Delivery.Http;

/// <summary>
/// The files of a page Delivery serves itself, embedded in this assembly by Delivery.Api.csproj under a resource
/// prefix (its LogicalName), so they are found whatever the working directory or content root, and mapped as
/// exact GET/HEAD routes that win over the object catch-all and take no path away from it but their own.
/// </summary>
internal static class EmbeddedFiles
{
    public const string PageName = "index.html";

    /// <summary>The files every page serves as its own too (Operations/Shared/: the theme, the canvas helper).</summary>
    public const string SharedPrefix = "shared/";

    /// <summary>
    /// Every file under <paramref name="resourcePrefix"/> by name, and the shared files; fails when the page or one of
    /// <paramref name="required"/> is missing.
    /// </summary>
    public static IReadOnlyDictionary<string, EmbeddedFile> Load(string resourcePrefix, params string[] required)
    {
        var assembly = typeof(EmbeddedFiles).Assembly;
        var files = new Dictionary<string, EmbeddedFile>(StringComparer.Ordinal);
        var resources = assembly.GetManifestResourceNames();
        foreach (var resource in resources.Where(name => name.StartsWith(resourcePrefix, StringComparison.Ordinal))
            .Concat(resources.Where(name => name.StartsWith(SharedPrefix, StringComparison.Ordinal))))
        {
            var name = resource[(resource.StartsWith(SharedPrefix, StringComparison.Ordinal) ? SharedPrefix : resourcePrefix).Length..];
            var content = Read(assembly, resource);
            var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..32];
            files[name] = new EmbeddedFile(name, ContentTypeOf(name), content, new EntityTagHeaderValue($"\"{hash}\""));
        }

        if (!files.ContainsKey(PageName) || !required.All(files.ContainsKey))
        {
            throw new InvalidOperationException(
                $"the files of '{resourcePrefix}' are not embedded in {assembly.GetName().Name} (found: {string.Join(", ", files.Keys)})");
        }

        return files;
    }

    /// <summary>
    /// Maps the page at <paramref name="path"/> and its other files under it. With <paramref name="shareFiles"/>, a page on
    /// another origin may load those files (not the page) from here.
    /// </summary>
    public static IEndpointRouteBuilder MapEmbeddedFiles(
        this IEndpointRouteBuilder app, string path, IReadOnlyDictionary<string, EmbeddedFile> files, bool shareFiles = false)
    {
        foreach (var file in files.Values)
        {
            var route = file.IsPage ? path : $"{path}/{file.Name}";
            app.MapMethods(route, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => Serve(context, file, shareFiles))
                .ExcludeFromDescription();
        }

        return app;
    }

    private static FileContentHttpResult Serve(HttpContext context, EmbeddedFile file, bool shareFiles)
    {
        var headers = context.Response.Headers;
        // Always revalidated (a 304 when unchanged), so a rebuilt page is picked up at once.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        if (shareFiles && !file.IsPage)
        {
            headers.AccessControlAllowOrigin = "*";
        }

        return TypedResults.Bytes(file.Content, file.ContentType, entityTag: file.ETag);
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
