using System.Diagnostics.CodeAnalysis;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Delivery.Http;
using Microsoft.Net.Http.Headers;

namespace CmafOrigin.Delivery.Archive;

/// <summary>
/// Answers <c>GET /&lt;channel&gt;/archive/&lt;run id&gt;/&lt;file&gt;</c> with a file of a final run: its VOD manifest,
/// HLS playlists or a track's MP4, with Content-Length, validators, conditional GET and byte ranges.
/// </summary>
/// <remarks>
/// Only the names the run's run.json implies are served (<see cref="ArchiveLayout"/>), never the live files (<c>.part</c>,
/// journals), run.json itself or anything else in the folder; the run id is checked by <see cref="ArchiveLayout.IsRunId"/>
/// and the channel by the object path rules, so no request can name a file outside the run's folder. A live run's files
/// are not final (the MP4s do not even exist yet): 404 with the reason, not cached.
/// </remarks>
internal sealed class ArchiveFileResponder(ArchiveLayout layout, CachePolicy cachePolicy)
{
    private const string PlaylistType = "application/vnd.apple.mpegurl";

    public async Task RespondAsync(HttpContext context, ArchiveTarget target)
    {
        if (target.IsListing)
        {
            throw new ArgumentException("a listing is not a file", nameof(target));
        }

        var directory = layout.RunDirectory(target.Channel, target.RunId);
        var run = ArchiveFiles.ReadRun(directory);
        if (run is null)
        {
            await NotFoundAsync(context, "no archived run has this id");
            return;
        }

        if (run.State != ArchiveRunState.Final)
        {
            await NotFoundAsync(context, "the run is still live: its files are not final yet");
            return;
        }

        if (!TryGetContentType(run, target.File, out var contentType))
        {
            await NotFoundAsync(context, "the run has no such file");
            return;
        }

        FileStream file;
        try
        {
            // Opened before anything is decided on it: a run removed by retention meanwhile is a clean 404, and an
            // open file outlives its removal, so a download under way finishes.
            file = new FileStream(Path.Combine(directory, target.File), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            await NotFoundAsync(context, "the file is no longer archived");
            return;
        }

        await using (file)
        {
            var modified = File.GetLastWriteTimeUtc(file.SafeFileHandle);
            context.Response.Headers.CacheControl = cachePolicy.ArchiveFile;
            // The file never changes once its run is final: its length and time make a strong validator.
            var entityTag = new EntityTagHeaderValue($"\"{file.Length:x}-{modified.Ticks:x}\"");
            await TypedResults.Stream(file, contentType, lastModified: new DateTimeOffset(modified), entityTag: entityTag, enableRangeProcessing: true)
                .ExecuteAsync(context);
        }
    }

    /// <summary>The content type of <paramref name="file"/> when it is one of the files a final run has; false for anything else.</summary>
    private static bool TryGetContentType(ArchiveRun run, string file, [NotNullWhen(true)] out string? contentType)
    {
        contentType = file switch
        {
            ArchiveLayout.VodManifest => "application/dash+xml",
            ArchiveLayout.VodMultivariantPlaylist => PlaylistType,
            _ => null,
        };

        foreach (var track in run.Tracks)
        {
            if (contentType is not null)
            {
                break;
            }

            if (file == ArchiveLayout.TrackFile(track.Id))
            {
                contentType = track.ContentType switch
                {
                    "audio" => "audio/mp4",
                    "text" => "application/mp4",
                    _ => "video/mp4",
                };
            }
            else if (file == ArchiveLayout.VodMediaPlaylist(track.Id))
            {
                contentType = PlaylistType;
            }
        }

        return contentType is not null;
    }

    private Task NotFoundAsync(HttpContext context, string detail)
    {
        context.Response.Headers.CacheControl = cachePolicy.NotFound;
        return Results.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound).ExecuteAsync(context);
    }
}
