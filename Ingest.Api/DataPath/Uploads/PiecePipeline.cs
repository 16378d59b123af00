using System.Buffers;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Storage;
using CmafOrigin.Ingest.Storage.Scripts;
using CmafOrigin.Ingest.Telemetry;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Uploads;

/// <summary>
/// The pieces of one upload on their way to Redis. Each is sent the moment it is read, without waiting for the one
/// before it to be stored: a CMAF chunk that comes in several reads is stored one round trip after its last byte, not
/// one round trip per piece. Redis runs the pieces in the order sent, and stores each only at its offset, so a piece
/// that overtakes one sent again (TRYAGAIN while the slot migrates, NOSCRIPT after a failover) is refused and sent again in
/// its turn: never a gap.
/// </summary>
/// <param name="attention">
/// Called when Redis answers a piece with anything but "stored": the body's reader stops waiting for the encoder's next
/// bytes and calls <see cref="SettleAsync"/>, so a failure ends the upload now, not at its next chunk.
/// </param>
internal sealed class PiecePipeline(ObjectStore store, UploadingVersion upload, IngestMetrics metrics, TimeProvider time, ILogger logger, Action attention)
    : IAsyncDisposable
{
    /// <summary>Bytes sent and not yet stored beyond which reading the body waits for Redis: what an upload may hold here.</summary>
    internal const int MaxBytesInFlight = 2 * 1024 * 1024;

    private readonly Queue<SentPiece> _inFlight = new();
    private long _bytesInFlight;

    /// <summary>Bytes sent so far, stored or not: where the next piece goes.</summary>
    public long SentBytes { get; private set; }

    /// <summary>
    /// Copies <paramref name="piece"/> (the body's buffer is reused once read) and sends it; then records every piece Redis
    /// has answered for, waiting for the oldest while more than <see cref="MaxBytesInFlight"/> are on their way.
    /// </summary>
    /// <returns>Null while every piece answered was stored; otherwise why the upload cannot go on.</returns>
    public async ValueTask<UploadOutcome?> SendAsync(ReadOnlySequence<byte> piece, DateTimeOffset receivedAt)
    {
        var length = (int)piece.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        piece.CopyTo(rented);
        var bytes = rented.AsMemory(0, length);
        _inFlight.Enqueue(new SentPiece(rented, bytes, SentBytes, receivedAt, AppendAsync(bytes, SentBytes, receivedAt)));
        SentBytes += length;
        _bytesInFlight += length;
        return await SettleAsync();
    }

    /// <summary>Records every piece Redis has answered for, and waits for the oldest while too many bytes are on their way.</summary>
    /// <returns>Null while every piece answered was stored; otherwise why the upload cannot go on.</returns>
    public async ValueTask<UploadOutcome?> SettleAsync()
    {
        while (_inFlight.TryPeek(out var oldest) && (oldest.Answer.IsCompleted || _bytesInFlight > MaxBytesInFlight))
        {
            if (await StoreOldestAsync() is { } outcome)
            {
                return outcome;
            }
        }

        return null;
    }

    /// <summary>Waits until every piece sent is stored: before the end marker.</summary>
    public async ValueTask<UploadOutcome?> DrainAsync()
    {
        while (_inFlight.Count > 0)
        {
            if (await StoreOldestAsync() is { } outcome)
            {
                return outcome;
            }
        }

        return null;
    }

    /// <summary>
    /// Waits for the pieces still on their way, so their buffers can be reused; those stored in order still count in the
    /// version's size (which the abort that follows states).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var inOrder = true;
        while (_inFlight.TryDequeue(out var piece))
        {
            try
            {
                inOrder &= await piece.Answer == AppendResult.Stored;
            }
            catch (Exception ex) when (ex.IsStorageFailure())
            {
                // The upload has already ended; this piece's answer changes nothing.
                inOrder = false;
            }

            if (inOrder)
            {
                ObjectStore.Appended(upload, piece.Bytes.Span);
            }

            ArrayPool<byte>.Shared.Return(piece.Rented);
        }

        _bytesInFlight = 0;
    }

    private async Task<UploadOutcome?> StoreOldestAsync()
    {
        var piece = _inFlight.Peek();
        var result = await AnswerAsync(piece);
        if (result == AppendResult.Stored)
        {
            ObjectStore.Appended(upload, piece.Bytes.Span);
            _inFlight.Dequeue();
            _bytesInFlight -= piece.Bytes.Length;
            ArrayPool<byte>.Shared.Return(piece.Rented);
            return null;
        }

        // The piece stays queued: disposing waits for the ones after it before any buffer goes back.
        return result switch
        {
            AppendResult.NotUploading => UploadOutcome.Deleted,
            _ => UploadOutcome.StorageFailed,
        };
    }

    /// <returns>Its answer, after sending it again where Redis ran nothing of it; null when Redis failed.</returns>
    private async Task<AppendResult?> AnswerAsync(SentPiece piece)
    {
        try
        {
            AppendResult result;
            try
            {
                result = await piece.Answer;
            }
            catch (RedisServerException ex) when (SlotMigration.RanNothing(ex))
            {
                result = await AppendAsync(piece.Bytes, piece.Offset, piece.ReceivedAt, again: true);
            }

            if (result == AppendResult.NotAtItsOffset && upload.Size == piece.Offset)
            {
                // It ran before a piece ahead of it that was sent again; that one is stored now, so its turn has come.
                result = await AppendAsync(piece.Bytes, piece.Offset, piece.ReceivedAt, again: true);
            }

            if (result == AppendResult.NotAtItsOffset)
            {
                UploadLog.PieceOutOfPlace(logger, upload.Path.Value, piece.Offset, upload.Size);
            }

            return result;
        }
        catch (Exception ex) when (ex.IsStorageFailure())
        {
            UploadLog.StorageFailed(logger, ex, upload.Path.Value);
            return null;
        }
    }

    /// <summary>Sends a piece; its store time is measured when Redis answers, not when the upload looks at the answer.</summary>
    private async Task<AppendResult> AppendAsync(ReadOnlyMemory<byte> bytes, long offset, DateTimeOffset receivedAt, bool again = false)
    {
        AppendResult result;
        try
        {
            result = again
                ? await store.AppendAgainAsync(upload, bytes, offset, receivedAt)
                : await store.AppendAsync(upload, bytes, offset, receivedAt);
        }
        catch
        {
            attention();
            throw;
        }

        if (result == AppendResult.Stored)
        {
            metrics.Stored(bytes.Length, time.GetUtcNow() - receivedAt);
        }
        else
        {
            attention();
        }

        return result;
    }

    /// <param name="Rented">The pool's array behind <paramref name="Bytes"/>, returned once Redis has answered.</param>
    /// <param name="Offset">The bytes sent before it.</param>
    /// <param name="Answer">Redis's answer to its first sending.</param>
    private sealed record SentPiece(byte[] Rented, ReadOnlyMemory<byte> Bytes, long Offset, DateTimeOffset ReceivedAt, Task<AppendResult> Answer);
}
