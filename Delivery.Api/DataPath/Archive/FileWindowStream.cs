using Microsoft.Win32.SafeHandles;

namespace CmafOrigin.Delivery.Archive;

/// <summary>
/// A read-only, seekable view of <c>length</c> bytes of a file from <c>start</c>: one segment inside a run's live file,
/// handed to the framework's stream result, which then does Content-Length, ranges and HEAD as for any file. Reads go
/// straight to the file at their offset (<see cref="RandomAccess"/>), so the writer may keep appending meanwhile.
/// </summary>
internal sealed class FileWindowStream(SafeFileHandle file, long start, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var take = Window(buffer.Length, out var at);
        if (take == 0)
        {
            return 0;
        }

        var read = RandomAccess.Read(file, buffer[..take], at);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var take = Window(buffer.Length, out var at);
        if (take == 0)
        {
            return 0;
        }

        var read = await RandomAccess.ReadAsync(file, buffer[..take], at, cancellationToken);
        _position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>How many of <paramref name="wanted"/> bytes the window still holds from the position, and where they are in the file.</summary>
    private int Window(int wanted, out long at)
    {
        at = start + _position;
        return (int)Math.Clamp(length - _position, 0, wanted);
    }
}
