namespace CmafOrigin.Contracts.Cmaf;

/// <summary>
/// Finds the CMAF chunks (moof+mdat) of a segment as its bytes arrive, in pieces cut anywhere (a box header may
/// straddle two pieces). Only box headers and the small boxes it reads (moof, prft) are copied; an mdat is counted,
/// never copied. Part boundaries depend only on the bytes, so every Delivery instance finds the same ones.
/// </summary>
public sealed class CmafChunkParser(CmafTrack track)
{
    /// <summary>A moof or prft larger than this is not what a live encoder sends.</summary>
    private const int MaxReadBox = 1024 * 1024;

    private readonly byte[] _header = new byte[16];
    private int _headerFilled;
    private uint _boxType;
    private long _boxRemaining;
    private byte[]? _box;
    private int _boxFilled;
    private long _partStart;
    private CmafFragment? _fragment;
    private ProducerReferenceTime? _producerTime;

    /// <summary>Bytes consumed so far.</summary>
    public long Offset { get; private set; }

    /// <summary>Why the bytes are not CMAF, once they were found not to be; nothing more is parsed then.</summary>
    public string? Error { get; private set; }

    /// <summary>Parses <paramref name="piece"/>, adding each chunk it completes to <paramref name="parts"/>. False once malformed.</summary>
    public bool Push(ReadOnlySpan<byte> piece, List<CmafPart> parts)
    {
        while (!piece.IsEmpty && Error is null)
        {
            if (_boxRemaining == 0)
            {
                // Between boxes: gather a header, which may straddle pieces.
                var take = Math.Min(piece.Length, _header.Length - _headerFilled);
                piece[..take].CopyTo(_header.AsSpan(_headerFilled));
                var available = _headerFilled + take;
                if (!Mp4Box.TryReadHeader(_header.AsSpan(0, available), out var type, out var size, out var headerLength))
                {
                    if (headerLength < 0)
                    {
                        return Fail("a box has an invalid size");
                    }

                    _headerFilled = available;
                    Offset += take;
                    piece = piece[take..];
                    continue;
                }

                // Only the header's own bytes are consumed; the rest of what was copied is payload, read again below.
                var fromPiece = headerLength - _headerFilled;
                _headerFilled = 0;
                Offset += fromPiece;
                piece = piece[fromPiece..];
                if (!BeginBox(type, size - headerLength))
                {
                    return false;
                }

                if (_boxRemaining == 0 && !EndBox(parts))
                {
                    return false;
                }

                continue;
            }

            var count = (int)Math.Min(piece.Length, _boxRemaining);
            if (_box is not null)
            {
                piece[..count].CopyTo(_box.AsSpan(_boxFilled));
                _boxFilled += count;
            }

            _boxRemaining -= count;
            Offset += count;
            piece = piece[count..];
            if (_boxRemaining == 0 && !EndBox(parts))
            {
                return false;
            }
        }

        return Error is null;
    }

    /// <summary>The segment's upload ended: it must end between boxes, with no chunk left without its mdat.</summary>
    public bool Finish()
    {
        if (Error is not null)
        {
            return false;
        }

        return _headerFilled != 0 || _boxRemaining != 0 ? Fail("the segment ends inside a box")
            : _fragment is not null ? Fail("the segment ends with a moof and no mdat")
            : true;
    }

    private bool BeginBox(uint type, long payload)
    {
        _boxType = type;
        _boxRemaining = payload;
        _box = null;
        _boxFilled = 0;
        if (type is Mp4Box.Moof or Mp4Box.Prft)
        {
            if (payload > MaxReadBox)
            {
                return Fail("a moof or prft box is larger than 1 MiB");
            }

            _box = new byte[payload];
        }
        else if (type == Mp4Box.Mdat && _fragment is null)
        {
            return Fail("an mdat comes without a moof before it");
        }

        return true;
    }

    private bool EndBox(List<CmafPart> parts)
    {
        switch (_boxType)
        {
            case Mp4Box.Moof:
                if (_fragment is not null)
                {
                    return Fail("two moof boxes without an mdat between them");
                }

                if (!CmafFragment.TryParse(_box, track, out var fragment, out var error))
                {
                    return Fail(error ?? "unreadable moof");
                }

                _fragment = fragment;
                break;
            case Mp4Box.Prft:
                if (ProducerReferenceTime.TryParse(_box, out var producerTime))
                {
                    _producerTime = producerTime;
                }

                break;
            case Mp4Box.Mdat:
                var chunk = _fragment!.Value;
                parts.Add(new CmafPart(_partStart, Offset - _partStart, chunk.DecodeTime, chunk.Duration, chunk.Independent, _producerTime));
                _partStart = Offset;
                _fragment = null;
                _producerTime = null;
                break;
            default:
                break;
        }

        _box = null;
        return true;
    }

    private bool Fail(string error)
    {
        Error = error;
        return false;
    }
}
