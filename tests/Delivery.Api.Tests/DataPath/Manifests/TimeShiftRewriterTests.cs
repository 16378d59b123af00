using System.Text;
using CmafOrigin.Delivery.Manifests;

namespace CmafOrigin.Delivery.Tests.Manifests;

public sealed class TimeShiftRewriterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    [Fact]
    public void Rewrite_DynamicMpdWithADepth_ReplacesItsValueAndNothingElse()
    {
        const string mpd = """<?xml version="1.0"?>""" + "\n" + """<MPD type="dynamic" timeShiftBufferDepth="PT10.0S" minBufferTime="PT2.0S"><Period/></MPD>""";

        Assert.Equal(mpd.Replace("PT10.0S", "PT300S", StringComparison.Ordinal), Rewrite(mpd, Window));
    }

    [Fact]
    public void Rewrite_DynamicMpdWithoutADepth_AddsItToTheStartTag()
    {
        const string mpd = "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\"\n\ttype=\"dynamic\"\n\tminBufferTime=\"PT2.0S\">\n\t<Period/>\n</MPD>";

        Assert.Equal(mpd.Replace("minBufferTime=\"PT2.0S\">", "minBufferTime=\"PT2.0S\" timeShiftBufferDepth=\"PT300S\">", StringComparison.Ordinal), Rewrite(mpd, Window));
    }

    [Fact]
    public void Rewrite_PrefixedMpd_IsFound()
    {
        const string mpd = """<dash:MPD xmlns:dash="urn:mpeg:dash:schema:mpd:2011" type='dynamic'><dash:Period/></dash:MPD>""";

        Assert.Contains("""type='dynamic' timeShiftBufferDepth="PT1.5S">""", Rewrite(mpd, TimeSpan.FromMilliseconds(1500)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""<MPD type="static" mediaPresentationDuration="PT60S"><Period/></MPD>""")]
    [InlineData("""<MPD><Period/></MPD>""")]
    [InlineData("""<Playlist type="dynamic"/>""")]
    public void Rewrite_AnythingButADynamicMpd_IsTheSameArray(string document)
    {
        var bytes = Encoding.UTF8.GetBytes(document);

        Assert.Same(bytes, TimeShiftRewriter.Rewrite(bytes, Window));
    }

    [Fact]
    public void Rewrite_WithoutAWindow_IsTheSameArray()
    {
        var bytes = Encoding.UTF8.GetBytes("""<MPD type="dynamic"/>""");

        Assert.Same(bytes, TimeShiftRewriter.Rewrite(bytes, TimeSpan.Zero));
    }

    private static string Rewrite(string mpd, TimeSpan depth) => Encoding.UTF8.GetString(TimeShiftRewriter.Rewrite(Encoding.UTF8.GetBytes(mpd), depth));
}
