namespace CmafOrigin.AppHost.Tests;

public sealed class ShellCommandTests
{
    [Theory]
    [InlineData("testsrc2=size=640x360:rate=30", "testsrc2=size=640x360:rate=30")]
    [InlineData("http://localhost:5000/live/demo/out.mpd", "http://localhost:5000/live/demo/out.mpd")]
    [InlineData("id=0,streams=v id=1,streams=a", "'id=0,streams=v id=1,streams=a'")]
    [InlineData("[0:v]split", "'[0:v]split'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    public void Quote_Argument_IsSafeToPasteIntoAShell(string argument, string quoted)
    {
        Assert.Equal(quoted, ShellCommand.Quote(argument));
    }
}
