namespace CmafOrigin.AppHost.Tests;

public sealed class DemoEncoderTests
{
    [Fact]
    public void CreateStartInfo_PushesTwoVideoRenditionsAndOneAudioAsLowLatencyDash()
    {
        Assert.SkipWhen(Executable.Find("ffmpeg") is null, "ffmpeg is not installed");
        var wiring = new Wiring("127.0.0.1:6390", new Uri("http://localhost:5100"), new Uri("http://localhost:5101"), RedisIsOwn: true)
        {
            IngestCredential = new IngestCredential("encoder", "demo-pw"),
        };

        var arguments = DemoEncoder.CreateStartInfo(wiring).ArgumentList;

        Assert.Equal(3, arguments.Count(argument => argument == "-map"));
        Assert.Equal(2, arguments.Count(argument => argument == "-re"));
        Assert.Contains("-nostdin", arguments);
        Assert.Contains("id=0,streams=v id=1,streams=a", arguments);
        Assert.Equal("2", arguments[arguments.IndexOf("-seg_duration") + 1]);
        Assert.Equal("0.5", arguments[arguments.IndexOf("-frag_duration") + 1]);
        // Ingest requires the credential AppHost gave it; ffmpeg sends it as HTTP Basic from the URL.
        Assert.Equal("http://encoder:demo-pw@localhost:5100/live/demo/out.mpd", arguments[^1]);
    }
}
