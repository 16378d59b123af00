using System.Security.Cryptography;
using System.Text.Json;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Delivery.Http;
using Microsoft.Net.Http.Headers;

namespace CmafOrigin.Delivery.Archive;

/// <summary>Answers <c>GET /&lt;channel&gt;/archive/</c>: the channel's archived runs as JSON, newest first.</summary>
/// <remarks>
/// A channel without runs, or one the origin never saw, gets <c>[]</c> with 200, not 404: the list of a channel's runs
/// exists for every channel name and is empty until its first run is written, so a page polling the archive of a channel
/// about to go live needs no special case, and the answer says nothing about which channels exist.
/// The URLs carry no playback token, even when the request did: the listing may be cached by a CDN that leaves tokens out
/// of its cache key, and would then hand one viewer's token to another. The viewer's own token covers every path of the channel.
/// </remarks>
internal sealed class ArchiveListing(ArchiveLayout layout, CachePolicy cachePolicy)
{
    public Task RespondAsync(HttpContext context, string channel)
    {
        var runs = ArchiveFiles.ReadRuns(layout.ChannelDirectory(channel));
        var archiveUrl = $"{context.Request.PathBase}/{(channel.Length == 0 ? string.Empty : channel + "/")}{ArchiveTarget.Segment}/";
        var entries = runs.ConvertAll(run => ArchiveRunEntry.Of(run, $"{archiveUrl}{run.Id}/"));
        var json = JsonSerializer.SerializeToUtf8Bytes(entries, ArchiveListingJson.Default.ListArchiveRunEntry);

        context.Response.Headers.CacheControl = cachePolicy.ArchiveListing;
        // A hash of the body: revalidation costs a 304 while no run changed.
        var entityTag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(json))[..16]}\"");
        return TypedResults.Bytes(json, "application/json; charset=utf-8", entityTag: entityTag).ExecuteAsync(context);
    }
}
