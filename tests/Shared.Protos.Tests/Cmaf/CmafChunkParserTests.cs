using CmafOrigin.Contracts.Cmaf;
using CmafOrigin.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CmafOrigin.Contracts.Tests.Cmaf;

public sealed class CmafChunkParserTests
{
    private static readonly CmafTrack Track = CmafTrack.TryParse(CmafSample.Init(), out _)!;

    [Fact]
    public void InitSegment_GivesTheTimescaleAndTheTrexDefaults()
    {
        Assert.Equal(new CmafTrack(1, CmafSample.Timescale, 0, 0x0001_0000), Track);
    }

    [Fact]
    public void Segment_IsCutIntoOnePartPerChunk_WithExactDurationsAndOnlyTheFirstIndependent()
    {
        var segment = CmafSample.Segment(30720, [15, 15, 15, 15]);
        var parts = Parse(segment, [segment.Length]);

        Assert.Equal(4, parts.Count);
        Assert.Equal([30720L, 38400, 46080, 53760], parts.Select(p => p.DecodeTime));
        Assert.All(parts, p => Assert.Equal(15 * CmafSample.SampleDuration, p.Duration));
        Assert.Equal([true, false, false, false], parts.Select(p => p.Independent));
        // The parts cover the segment exactly, in order: the first from byte 0 (styp and prft included).
        Assert.Equal(0, parts[0].Offset);
        Assert.Equal(segment.Length, parts[^1].End);
        Assert.All(parts.Zip(parts.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Offset));
        Assert.All(parts, p => Assert.NotNull(p.ProducerTime));
    }

    [Property(MaxTest = 300)]
    public Property PiecesCutAnywhere_GiveTheSameParts(PositiveInt[] cuts, byte chunks)
    {
        var segment = CmafSample.Segment(1000, [.. Enumerable.Range(0, 1 + (chunks % 6)).Select(i => 3 + i)]);
        var whole = Parse(segment, [segment.Length]);
        // Piece lengths from the arbitrary cuts (1 to 40 bytes, so headers straddle pieces), repeated to the end.
        var lengths = cuts.Length == 0 ? [1] : cuts.Select(c => 1 + (c.Get % 40)).ToArray();
        var pieces = new List<int>();
        for (int at = 0, i = 0; at < segment.Length; i++)
        {
            var length = Math.Min(lengths[i % lengths.Length], segment.Length - at);
            pieces.Add(length);
            at += length;
        }

        return Parse(segment, pieces).SequenceEqual(whole).ToProperty();
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("mdat-first")]
    [InlineData("truncated")]
    public void MalformedMedia_IsRefusedWithAReason(string kind)
    {
        var segment = CmafSample.Segment(0, [5, 5]);
        byte[] bytes = kind switch
        {
            "garbage" => [0, 0, 0, 3, 1, 2, 3, 4, 5],
            "mdat-first" => [0, 0, 0, 8, (byte)'m', (byte)'d', (byte)'a', (byte)'t'],
            _ => segment[..^3],
        };
        var parser = new CmafChunkParser(Track);

        var accepted = parser.Push(bytes, []) && parser.Finish();

        Assert.False(accepted);
        Assert.False(string.IsNullOrEmpty(parser.Error));
    }

    private static List<CmafPart> Parse(byte[] segment, IEnumerable<int> pieces)
    {
        var parser = new CmafChunkParser(Track);
        var parts = new List<CmafPart>();
        var at = 0;
        foreach (var length in pieces)
        {
            Assert.True(parser.Push(segment.AsSpan(at, length), parts), parser.Error);
            at += length;
        }

        Assert.True(parser.Finish(), parser.Error);
        return parts;
    }
}
