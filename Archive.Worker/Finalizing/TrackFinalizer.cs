using System.Buffers;
using System.Buffers.Binary;
using CmafOrigin.Contracts.Archive;
using CmafOrigin.Contracts.Cmaf;
using Microsoft.Win32.SafeHandles;

namespace CmafOrigin.Archive.Finalizing;

/// <summary>
/// Writes a track's final <c>{track}.mp4</c> from its live file and journal: the init segment given the file's
/// duration, a sidx, then every journaled segment's bytes as uploaded. The file appears whole (written beside, flushed,
/// renamed) or not at all; input that would make a corrupt file throws <see cref="InvalidArchiveException"/> before or
/// instead of the rename.
/// </summary>
internal static class TrackFinalizer
{
    /// <summary>An init segment is a few hundred bytes; a megabyte is not one.</summary>
    private const long MaxInitSize = 1024 * 1024;

    /// <summary>
    /// Under the large object heap's 85,000 bytes: rented from the shared pool, a 1 MiB buffer stayed cached by each
    /// thread that finalized a run for a minute after (1-4 MB steps in the writer's heap in the soak). The copy is
    /// done once per run, disk-bound either way.
    /// </summary>
    private const int CopyBufferSize = 64 * 1024;

    public static async Task<FinalTrack> FinalizeAsync(string runDirectory, ArchiveTrack track, IReadOnlyList<ArchivedSegment> journal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(track);
        ArgumentNullException.ThrowIfNull(journal);
        var livePath = Path.Combine(runDirectory, ArchiveLayout.LiveTrackFile(track.Id));
        using var live = OpenLive(livePath, track);
        var liveLength = RandomAccess.GetLength(live);

        var init = await ReadInitAsync(live, liveLength, track, cancellationToken).ConfigureAwait(false);
        var cmaf = CmafTrack.TryParse(init, out var error) ?? throw Invalid(track, $"its init segment is unreadable: {error}");
        if (track.Timescale != 0 && track.Timescale != cmaf.Timescale)
        {
            throw Invalid(track, $"run.json gives timescale {track.Timescale}, its init segment {cmaf.Timescale}");
        }

        await ValidateAsync(live, liveLength, track, journal, cancellationToken).ConfigureAwait(false);

        // Each segment lasts up to the next one's decode time, so a missing segment is absorbed and sidx time stays tfdt time.
        var durations = new long[journal.Count];
        for (var i = 0; i < journal.Count; i++)
        {
            durations[i] = i + 1 < journal.Count ? journal[i + 1].DecodeTime - journal[i].DecodeTime : journal[i].Duration;
        }

        var earliest = journal[0].DecodeTime;
        var total = journal[^1].DecodeTime + journal[^1].Duration - earliest;
        if (!InitSegmentPatcher.TryPatch(init, total, cmaf.Timescale, out var patchedInit, out error))
        {
            throw Invalid(track, error!);
        }

        var offset = (long)patchedInit.Length + SegmentIndex.Length(journal.Count);
        var segments = new List<FinalSegment>(journal.Count);
        for (var i = 0; i < journal.Count; i++)
        {
            segments.Add(new FinalSegment(new ByteRange(offset, journal[i].Size), journal[i].DecodeTime, durations[i], (double)durations[i] / cmaf.Timescale, journal[i].Independent));
            offset += journal[i].Size;
        }

        var index = SegmentIndex.TryBuild(cmaf.TrackId, cmaf.Timescale, earliest, segments, out error) ?? throw Invalid(track, error!);
        var fileName = ArchiveLayout.TrackFile(track.Id);
        await WriteAsync(Path.Combine(runDirectory, fileName), live, cmaf, track, journal, patchedInit, index, offset, cancellationToken).ConfigureAwait(false);

        return new FinalTrack(
            track,
            fileName,
            offset,
            new ByteRange(0, patchedInit.Length),
            new ByteRange(patchedInit.Length, index.Length),
            cmaf.Timescale,
            earliest,
            (double)total / cmaf.Timescale,
            segments);
    }

    private static SafeFileHandle OpenLive(string path, ArchiveTrack track)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Invalid(track, $"its live file {Path.GetFileName(path)} is missing", e);
        }
    }

    private static async Task<byte[]> ReadInitAsync(SafeFileHandle live, long liveLength, ArchiveTrack track, CancellationToken cancellationToken)
    {
        if (track.InitSize <= 0 || track.InitSize > MaxInitSize || track.InitSize > liveLength)
        {
            throw Invalid(track, $"its init size {track.InitSize} is not within its live file ({liveLength} bytes)");
        }

        var init = new byte[track.InitSize];
        await ReadExactlyAsync(live, init, 0, track, cancellationToken).ConfigureAwait(false);
        return init;
    }

    /// <summary>Everything that can be known before writing a byte: each segment lies in the live file, starts with a fragment's first box, and starts after the one before.</summary>
    private static async Task ValidateAsync(SafeFileHandle live, long liveLength, ArchiveTrack track, IReadOnlyList<ArchivedSegment> journal, CancellationToken cancellationToken)
    {
        if (journal.Count == 0)
        {
            throw Invalid(track, "its journal holds no segment");
        }

        var header = new byte[8];
        for (var i = 0; i < journal.Count; i++)
        {
            var segment = journal[i];
            if (segment.Size < header.Length || segment.Offset < track.InitSize || segment.End > liveLength)
            {
                throw Invalid(track, segment, $"its bytes [{segment.Offset}, {segment.End}) are not within the live file after the init segment ({track.InitSize}..{liveLength})");
            }

            if (i > 0 && segment.DecodeTime <= journal[i - 1].DecodeTime)
            {
                throw Invalid(track, segment, $"its decode time {segment.DecodeTime} does not come after the previous segment's ({journal[i - 1].DecodeTime})");
            }

            if (segment.Duration <= 0)
            {
                throw Invalid(track, segment, $"its duration is {segment.Duration}");
            }

            await ReadExactlyAsync(live, header, segment.Offset, track, cancellationToken).ConfigureAwait(false);
            var type = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            if (type is not (Mp4Box.Styp or Mp4Box.Prft or Mp4Box.Moof))
            {
                throw Invalid(track, segment, $"its first box is '{BoxName(type)}', not styp, prft or moof");
            }
        }
    }

    private static async Task WriteAsync(
        string path,
        SafeFileHandle live,
        CmafTrack cmaf,
        ArchiveTrack track,
        IReadOnlyList<ArchivedSegment> journal,
        byte[] init,
        byte[] index,
        long length,
        CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0, // the copy buffer is the buffer
                PreallocationSize = length,
            };
            await using (var output = new FileStream(temporary, options))
            {
                await output.WriteAsync(init, cancellationToken).ConfigureAwait(false);
                await output.WriteAsync(index, cancellationToken).ConfigureAwait(false);
                var parts = new List<CmafPart>();
                foreach (var segment in journal)
                {
                    await CopySegmentAsync(live, output, buffer, cmaf, track, segment, parts, cancellationToken).ConfigureAwait(false);
                }

                output.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies one segment as uploaded, parsing it on the way: its bytes must be whole moof+mdat chunks, the first at the journal's decode time.</summary>
    private static async Task CopySegmentAsync(
        SafeFileHandle live,
        FileStream output,
        byte[] buffer,
        CmafTrack cmaf,
        ArchiveTrack track,
        ArchivedSegment segment,
        List<CmafPart> parts,
        CancellationToken cancellationToken)
    {
        var parser = new CmafChunkParser(cmaf);
        parts.Clear();
        for (long copied = 0; copied < segment.Size;)
        {
            var piece = buffer.AsMemory(0, (int)Math.Min(buffer.Length, segment.Size - copied));
            var read = await RandomAccess.ReadAsync(live, piece, segment.Offset + copied, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw Invalid(track, segment, "the live file ended inside it");
            }

            if (!parser.Push(piece.Span[..read], parts))
            {
                throw Invalid(track, segment, $"it is not CMAF: {parser.Error}");
            }

            await output.WriteAsync(piece[..read], cancellationToken).ConfigureAwait(false);
            copied += read;
        }

        if (!parser.Finish())
        {
            throw Invalid(track, segment, $"it is not CMAF: {parser.Error}");
        }

        if (parts.Count == 0 || parts[0].DecodeTime != segment.DecodeTime)
        {
            throw Invalid(track, segment, parts.Count == 0
                ? "it holds no moof+mdat"
                : $"its tfdt is {parts[0].DecodeTime}, its journal line says {segment.DecodeTime}");
        }
    }

    private static async Task ReadExactlyAsync(SafeFileHandle live, byte[] destination, long offset, ArchiveTrack track, CancellationToken cancellationToken)
    {
        for (var filled = 0; filled < destination.Length;)
        {
            var read = await RandomAccess.ReadAsync(live, destination.AsMemory(filled), offset + filled, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw Invalid(track, $"its live file ended at {offset + filled} bytes");
            }

            filled += read;
        }
    }

    private static string BoxName(uint type)
    {
        Span<char> name = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            var c = (char)((type >> (24 - (8 * i))) & 0xFF);
            name[i] = char.IsAsciiLetterOrDigit(c) ? c : '?';
        }

        return new string(name);
    }

    private static InvalidArchiveException Invalid(ArchiveTrack track, string reason, Exception? inner = null) =>
        inner is null
            ? new InvalidArchiveException($"Track '{track.Id}' cannot be finalized: {reason}.")
            : new InvalidArchiveException($"Track '{track.Id}' cannot be finalized: {reason}.", inner);

    private static InvalidArchiveException Invalid(ArchiveTrack track, ArchivedSegment segment, string reason) =>
        Invalid(track, $"segment {segment.Name} (number {segment.Number}, journal offset {segment.Offset}): {reason}");
}
