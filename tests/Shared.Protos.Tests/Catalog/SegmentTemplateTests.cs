using CmafOrigin.Contracts.Catalog;

namespace CmafOrigin.Contracts.Tests.Catalog;

public sealed class SegmentTemplateTests
{
    [Theory]
    [InlineData("chunk-stream$RepresentationID$-$Number%05d$.m4s", "0", "chunk-stream0-", ".m4s")]
    [InlineData("$RepresentationID$/$Number$.m4s", "720p", "720p/", ".m4s")]
    [InlineData("v_$Bandwidth%08d$_$Number$.cmfv", "x", "v_01000000_", ".cmfv")]
    [InlineData("cost$$$Number$.m4s", "x", "cost$", ".m4s")]
    public void Resolve_MediaTemplate_SplitsAroundTheNumber(string template, string id, string prefix, string suffix)
    {
        var resolved = SegmentTemplate.Resolve(template, id, 1_000_000, initialization: false);

        Assert.Equal(new SegmentTemplate(id, prefix, suffix), resolved);
    }

    [Fact]
    public void Resolve_InitializationTemplate_IsAWholeName()
    {
        Assert.Equal(new SegmentTemplate("1", "init-stream1.m4s", null), SegmentTemplate.Resolve("init-stream$RepresentationID$.m4s", "1", 0, initialization: true));
    }

    [Theory]
    [InlineData("seg-$Time$.m4s")]
    [InlineData("seg-$Number$-$Number$.m4s")]
    [InlineData("seg-$Number.m4s")]
    [InlineData("seg.m4s")]
    public void Resolve_NamesItCannotNumber_AreNull(string template)
    {
        Assert.Null(SegmentTemplate.Resolve(template, "0", 0, initialization: false));
    }

    [Theory]
    [InlineData("chunk-stream0-00042.m4s", true, 42L)]
    [InlineData("chunk-stream0-.m4s", false, 0L)]
    [InlineData("chunk-stream0-4a.m4s", false, 0L)]
    [InlineData("chunk-stream1-00042.m4s", false, 0L)]
    public void TryMatch_ReadsOnlyDigitsBetweenPrefixAndSuffix(string name, bool matches, long number)
    {
        var template = new SegmentTemplate("0", "chunk-stream0-", ".m4s");

        Assert.Equal(matches, template.TryMatch(name, out var read));
        Assert.Equal(number, read);
    }

    [Fact]
    public void SerializeThenDeserialize_RoundTrips()
    {
        SegmentTemplate[] templates = [new("0", "init-stream0.m4s", null), new("0", "chunk-stream0-", ".m4s"), new("a b", "x", "")];

        Assert.Equal(templates, SegmentTemplate.Deserialize(SegmentTemplate.Serialize(templates)));
        Assert.Empty(SegmentTemplate.Deserialize(null));
        Assert.Empty(SegmentTemplate.Deserialize("garbage\nm\tonly-two"));
    }
}
