using CmafOrigin.Originctl.Output;

namespace CmafOrigin.Originctl.Tests.Output;

public sealed class TableTests
{
    [Fact]
    public void WriteTo_AlignsColumnsUnderTheirHeadings_NumbersToTheRight()
    {
        var table = new Table("CHANNEL", "VIEWERS", "STATE").AlignRight(1);
        table.Add("live/demo", "2", "live");
        table.Add("live/a-much-longer-name", "1024", "ended");
        using var output = new StringWriter();

        table.WriteTo(output);

        Assert.Equal(
            """
            CHANNEL                  VIEWERS  STATE
            live/demo                      2  live
            live/a-much-longer-name     1024  ended

            """.ReplaceLineEndings(),
            output.ToString());
    }

    [Fact]
    public void Add_WithTheWrongNumberOfCells_Throws() =>
        Assert.Throws<ArgumentException>(() => new Table("A", "B").Add("only one"));

    [Fact]
    public void WriteTo_ReplacesControlCharacters_SoAnEncodersTextCannotDriveTheTerminal()
    {
        var table = new Table("TRACK", "CODECS");
        table.Add("0", "avc1\u001b]0;pwned\u0007");
        using var output = new StringWriter();

        table.WriteTo(output);

        Assert.DoesNotContain('\u001b', output.ToString());
        Assert.Contains("avc1?]0;pwned?", output.ToString(), StringComparison.Ordinal);
    }
}
