namespace CmafOrigin.Delivery.Hls;

/// <summary>
/// A segment's bytes as they were read from Redis (the feed's pieces, or the completed object's one array), referenced,
/// never copied: a part is served as slices of them.
/// </summary>
internal sealed class SegmentBytes
{
    private readonly Lock _gate = new();
    private readonly List<ReadOnlyMemory<byte>> _pieces = [];
    private long _length;

    public long Length
    {
        get
        {
            lock (_gate)
            {
                return _length;
            }
        }
    }

    public void Add(ReadOnlyMemory<byte> piece)
    {
        lock (_gate)
        {
            _pieces.Add(piece);
            _length += piece.Length;
        }
    }

    /// <summary>The slices of the pieces that hold bytes [<paramref name="offset"/>, +<paramref name="length"/>).</summary>
    public List<ReadOnlyMemory<byte>> Slice(long offset, long length)
    {
        var slices = new List<ReadOnlyMemory<byte>>();
        lock (_gate)
        {
            long pieceStart = 0;
            foreach (var piece in _pieces)
            {
                var pieceEnd = pieceStart + piece.Length;
                if (pieceEnd > offset && pieceStart < offset + length)
                {
                    var from = (int)Math.Max(0, offset - pieceStart);
                    var to = (int)Math.Min(piece.Length, offset + length - pieceStart);
                    slices.Add(piece[from..to]);
                }

                pieceStart = pieceEnd;
                if (pieceStart >= offset + length)
                {
                    break;
                }
            }
        }

        return slices;
    }
}
