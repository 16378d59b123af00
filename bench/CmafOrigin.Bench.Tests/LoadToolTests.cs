using System.Buffers.Binary;
using System.Text;
using CmafOrigin.Bench.Http;
using CmafOrigin.Bench.Measure;
using CmafOrigin.Bench.Recording;

namespace CmafOrigin.Bench.Tests;

/// <summary>The load tool's own arithmetic: where CMAF chunks end, percentiles, histogram quantiles, HTTP chunk framing.</summary>
public sealed class LoadToolTests
{
    [Fact]
    public void SegmentTemplate_CmafChunks_EndAfterEachMdat()
    {
        byte[] segment = [.. Box("styp", 16), .. Box("moof", 20), .. Box("mdat", 100), .. Box("prft", 12), .. Box("moof", 20), .. Box("mdat", 50)];

        // Sent as 3 HTTP chunks: the second CMAF chunk's last byte is in the last one.
        var template = new SegmentTemplate(segment, [100, 100, segment.Length - 200], [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(500)]);

        Assert.Equal([136L, 218L], template.MediaChunkEnds);
        Assert.Equal([1, 2], template.MediaChunkLastPiece);
        Assert.Equal("64\r\n"u8.ToArray(), template.Frames[0][..4]);
    }

    [Fact]
    public void SegmentTemplate_NotBoxes_FallsBackToHttpChunks()
    {
        var template = new SegmentTemplate(new byte[10], [4, 6], [TimeSpan.Zero, TimeSpan.Zero]);

        Assert.Equal([4L, 10L], template.MediaChunkEnds);
    }

    [Fact]
    public void Slope_PerHour_IsTheLeastSquaresLine()
    {
        // 2 MB per hour over an hour, plus noise symmetric about the middle: the slope ignores both it and the start.
        double[] noise = [0.5, -0.5, -0.5, -0.5, -0.5, 0.5];
        var points = noise.Select((n, i) => (Hours: i / 5.0, Value: 100 + (2 * i / 5.0) + n)).ToList();

        Assert.Equal(2, Slope.PerHour(points), precision: 6);
        Assert.True(double.IsNaN(Slope.PerHour([(0.5, 1)])));
    }

    [Fact]
    public void Samples_Percentile_IsNearestRank()
    {
        var samples = new Samples();
        samples.AddRange(Enumerable.Range(1, 100).Select(i => (double)i));

        Assert.Equal(50, samples.Percentile(50));
        Assert.Equal(99, samples.Percentile(99));
        Assert.Equal(100, samples.Max);
    }

    [Fact]
    public void PrometheusHistogram_Quantile_InterpolatesInsideTheBucket()
    {
        const string text = """
            # TYPE cmaforigin_ingest_store_duration_milliseconds histogram
            cmaforigin_ingest_store_duration_milliseconds_bucket{otel_scope_name="x",le="1"} 50
            cmaforigin_ingest_store_duration_milliseconds_bucket{otel_scope_name="x",le="2"} 90
            cmaforigin_ingest_store_duration_milliseconds_bucket{otel_scope_name="x",le="+Inf"} 100
            cmaforigin_ingest_store_duration_milliseconds_count{otel_scope_name="x"} 100
            """;

        var histogram = PrometheusHistogram.Parse(text, "cmaforigin_ingest_store_duration")!;

        Assert.Equal(100, histogram.Count);
        Assert.Equal(1.0, histogram.Quantile(0.5));
        Assert.Equal(1.5, histogram.Quantile(0.7));
    }

    [Fact]
    public async Task WireReader_ChunkedBody_YieldsEachHttpChunk()
    {
        var wire = "PUT /a.m4s HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: x\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n"u8.ToArray();
        var reader = new WireReader(new MemoryStream(wire));
        var chunks = new List<string>();

        var head = await reader.ReadHeadAsync(TestContext.Current.CancellationToken);
        await reader.ReadBodyAsync(head!, chunk => chunks.Add(Encoding.ASCII.GetString(chunk.Span)), TestContext.Current.CancellationToken);

        Assert.Equal("PUT /a.m4s HTTP/1.1", head!.StartLine);
        Assert.True(head.IsChunked);
        Assert.Equal(["abc", "de"], chunks);
        Assert.Null(await reader.ReadHeadAsync(TestContext.Current.CancellationToken));
    }

    private static byte[] Box(string type, int size)
    {
        var box = new byte[size];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)size);
        Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        return box;
    }
}
