using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Channels;
using CmafOrigin.Ingest.Healing;
using CmafOrigin.Ingest.Storage;
using CmafOrigin.Ingest.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Uploads;

/// <summary>Receives one PUT or POST of an object and publishes its bytes on Redis as they arrive.</summary>
internal sealed class UploadReceiver(
    ObjectStore store,
    UploadSlots slots,
    PendingAborts pendingAborts,
    InitSegmentHealer healer,
    EncoderSwitchWatch encoders,
    IngestMetrics metrics,
    IOptions<IngestOptions> options,
    TimeProvider time,
    ILogger<UploadReceiver> logger)
{
    /// <summary>Largest piece put in one stream entry; bigger reads are split so no entry is huge.</summary>
    internal const int MaxPieceBytes = 1024 * 1024;

    private readonly IngestOptions _options = options.Value;

    /// <remarks>
    /// 1. Check path, type and declared size before anything is stored, and take a slot under the concurrency limits.
    /// 2. Lift Kestrel's body limits that would cut a live upload short; the size limit and idle timeout below replace them.
    /// 3. Begin a new version: it becomes current and viewers waiting for the path wake up.
    /// 4. Publish each piece as it arrives, resetting the idle timeout on progress.
    /// 5. Body complete: write the end marker and answer 201 (new) or 204 (replaced).
    /// 6. Anything else: write the abort marker, so viewers fail instead of hanging on or keeping a truncated object.
    /// </remarks>
    public async Task<IResult> ReceiveAsync(HttpContext context)
    {
        // 1. Check
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        if (!ObjectPath.TryParse(rawTarget, out var path, out var pathError))
        {
            return IngestProblems.Problem(context, StatusCodes.Status400BadRequest, pathError, logger);
        }

        if (!MediaTypes.TryGet(path, out var contentType, out _))
        {
            return IngestProblems.Problem(context, StatusCodes.Status415UnsupportedMediaType,
                $"'{path.Extension}' is not a media type this origin stores", logger);
        }

        if (context.Request.ContentLength > _options.MaxObjectBytes)
        {
            return IngestProblems.Problem(context, StatusCodes.Status413PayloadTooLarge,
                $"the object is larger than {_options.MaxObjectBytes} bytes", logger);
        }

        var refusal = slots.TryEnter(path.Channel);
        if (refusal != UploadRefusal.None)
        {
            metrics.UploadRefused(refusal);
            return refusal switch
            {
                UploadRefusal.ChannelBusy => IngestProblems.Problem(context, StatusCodes.Status429TooManyRequests,
                    $"the channel has {_options.MaxUploadsPerChannel} uploads open", logger),
                UploadRefusal.ProcessBusy => IngestProblems.Problem(context, StatusCodes.Status503ServiceUnavailable,
                    $"this origin has {_options.MaxUploads} uploads open", logger),
                _ => IngestProblems.Problem(context, StatusCodes.Status503ServiceUnavailable, "the origin is shutting down", logger),
            };
        }

        context.Response.RegisterForDispose(new UploadSlot(slots, path.Channel));
        return await ReceiveAdmittedAsync(context, path, contentType);
    }

    private async Task<IResult> ReceiveAdmittedAsync(HttpContext context, ObjectPath path, string contentType)
    {
        // 2. Limits
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRate)
        {
            // A live segment trickles in at the encoder's bitrate with pauses between chunks.
            minRate.MinDataRate = null;
        }

        // 3. Begin; the channel counts as still pushed even when Redis cannot take it, so its init segments stay held.
        healer.UploadArrived(path.Channel);
        UploadingVersion upload;
        try
        {
            upload = await store.BeginAsync(path, contentType, Activity.Current?.Id);
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            UploadLog.StorageFailed(logger, ex, path.Value);
            return IngestProblems.Problem(context, StatusCodes.Status503ServiceUnavailable, "storage is unavailable", logger);
        }

        UploadLog.Started(logger, path.Value, upload.Version);
        healer.UploadBegun(upload);
        // Redis takes writes again: write the markers it missed, in case the write on reconnection met it still loading.
        pendingAborts.WriteIfAny();
        // The trace id stored with the version lets every delivery of these bytes link back to this span.
        Activity.Current?.SetTag("cmaforigin.path", path.Value).SetTag("cmaforigin.version", upload.Version);
        metrics.UploadStarted();

        // 4. Publish
        var (outcome, malformed) = await PublishBodyAsync(context, upload);

        // 5. Complete
        if (outcome == UploadOutcome.Completed)
        {
            try
            {
                outcome = await store.CompleteAsync(upload) ? UploadOutcome.Completed : UploadOutcome.Deleted;
            }
            catch (Exception ex) when (ex.IsStorageFailure())
            {
                UploadLog.StorageFailed(logger, ex, path.Value);
                outcome = UploadOutcome.StorageFailed;
            }
        }

        metrics.UploadEnded(outcome);
        if (outcome == UploadOutcome.Completed)
        {
            healer.UploadCompleted(upload, contentType, time.GetUtcNow());
            UploadLog.Completed(logger, path.Value, upload.Version, upload.Size, upload.Chunks);
            if (upload.IsManifest)
            {
                await NoticeEncoderSwitchAsync(context, upload);
            }

            return upload.Replaces ? TypedResults.NoContent() : TypedResults.Created();
        }

        // 6. Abort
        UploadLog.Aborted(logger, path.Value, upload.Version, outcome, upload.Size);
        try
        {
            await store.AbortAsync(upload, outcome.ToString());
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            // Written when Redis is back; if it comes back empty, there is nothing to mark.
            UploadLog.StorageFailed(logger, ex, path.Value);
            pendingAborts.Add(upload, outcome.ToString());
        }

        // The rest of the body is of no use: close rather than let Kestrel drain an upload that may never end.
        context.Response.Headers.Connection = "close";
        return outcome switch
        {
            UploadOutcome.TooLarge => IngestProblems.Problem(context, StatusCodes.Status413PayloadTooLarge,
                $"the object is larger than {_options.MaxObjectBytes} bytes", logger),
            UploadOutcome.Stalled => IngestProblems.Problem(context, StatusCodes.Status408RequestTimeout,
                $"nothing received for {_options.IdleTimeout.TotalSeconds:0.#} s", logger),
            UploadOutcome.Deleted => IngestProblems.Problem(context, StatusCodes.Status409Conflict,
                "the object was deleted during its upload", logger),
            UploadOutcome.StorageFailed => IngestProblems.Problem(context, StatusCodes.Status503ServiceUnavailable,
                "storage is unavailable", logger),
            UploadOutcome.Malformed => IngestProblems.Problem(context, StatusCodes.Status400BadRequest,
                $"malformed request body: {malformed}", logger),
            _ => IngestProblems.Problem(context, StatusCodes.Status400BadRequest, "the request body ended prematurely", logger),
        };
    }

    /// <returns>How the body ended, and Kestrel's reason when its framing was broken.</returns>
    private async Task<(UploadOutcome Outcome, string? Malformed)> PublishBodyAsync(HttpContext context, UploadingVersion upload)
    {
        var reader = context.Request.BodyReader;
        var reading = true;
        // A piece Redis did not store wakes a read waiting for the encoder: the upload ends now, not at its next chunk.
        await using var pieces = new PiecePipeline(store, upload, metrics, time, logger, attention: () =>
        {
            if (Volatile.Read(ref reading))
            {
                reader.CancelPendingRead();
            }
        });
        // The idle deadline runs on the injected clock; a read also ends when the client goes.
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var read = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, idle.Token);
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    idle.CancelAfter(_options.IdleTimeout);
                    result = await reader.ReadAsync(read.Token);
                }
                catch (OperationCanceledException)
                {
                    return (context.RequestAborted.IsCancellationRequested ? UploadOutcome.ClientGone : UploadOutcome.Stalled, null);
                }
                catch (Exception ex) when (ex is BadHttpRequestException or InvalidOperationException || ex.InnerException is OverflowException)
                {
                    // Kestrel found the framing broken: a bad chunk size, a missing CRLF, trailer garbage, a body that
                    // ended before its declared end. A NUL in a trailer comes as InvalidOperationException, a chunk size
                    // past 64 bits as an IOException around an OverflowException.
                    UploadLog.Malformed(logger, upload.Path.Value, ex.Message);
                    return (UploadOutcome.Malformed, ex.Message);
                }
                catch (IOException ex)
                {
                    UploadLog.ClientGone(logger, upload.Path.Value, ex.Message);
                    return (UploadOutcome.ClientGone, null);
                }

                var buffer = result.Buffer;
                try
                {
                    if (result.IsCanceled && await pieces.SettleAsync() is { } answered)
                    {
                        return (answered, null);
                    }

                    if (!buffer.IsEmpty)
                    {
                        if (pieces.SentBytes + buffer.Length > _options.MaxObjectBytes)
                        {
                            return (UploadOutcome.TooLarge, null);
                        }

                        if (await PublishPiecesAsync(pieces, buffer, time.GetUtcNow()) is { } failed)
                        {
                            return (failed, null);
                        }
                    }

                    if (result.IsCompleted)
                    {
                        Volatile.Write(ref reading, false);
                        return (await pieces.DrainAsync() ?? UploadOutcome.Completed, null);
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
            }
        }
        finally
        {
            // Pieces still on their way are waited for below; their answers need no reader any more.
            Volatile.Write(ref reading, false);
        }
    }

    /// <summary>Compares the manifest's run with the channel's last one; stored already, so a Redis failure here only costs the notice.</summary>
    private async Task NoticeEncoderSwitchAsync(HttpContext context, UploadingVersion upload)
    {
        try
        {
            await encoders.ManifestCompletedAsync(upload.Path, upload.Document, EncoderSource.Of(context));
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            UploadLog.StorageFailed(logger, ex, upload.Path.Value);
        }
        finally
        {
            upload.Document = null;
        }
    }

    /// <summary>Sends what one read returned, split into pieces of at most <see cref="MaxPieceBytes"/>.</summary>
    private static async ValueTask<UploadOutcome?> PublishPiecesAsync(PiecePipeline pieces, ReadOnlySequence<byte> buffer, DateTimeOffset receivedAt)
    {
        while (!buffer.IsEmpty)
        {
            var piece = buffer.Slice(0, Math.Min(buffer.Length, MaxPieceBytes));
            if (await pieces.SendAsync(piece, receivedAt) is { } failed)
            {
                return failed;
            }

            buffer = buffer.Slice(piece.End);
        }

        return null;
    }
}
