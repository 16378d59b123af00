using CmafOrigin.TestSupport;

namespace CmafOrigin.Originctl.Tests.Commands;

/// <summary>Every command against a control URL where nothing listens: a message that says so, and a distinct exit code.</summary>
public sealed class UnreachableOriginTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("channels")]
    [InlineData("channel", "live/demo")]
    [InlineData("purge", "live/demo")]
    [InlineData("stats")]
    [InlineData("watch")]
    public async Task Command_WithNothingListening_ExitsUnreachableWithAMessage(params string[] command)
    {
        var control = $"http://127.0.0.1:{FreePort.Next()}";

        var run = await OriginctlRun.RunAsync(Cancellation, [.. command, "--control", control]);

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.Contains($"cannot reach the control plane at {control}/", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task ControlUrl_FromTheEnvironment_IsUsedWhenNoOptionIsGiven()
    {
        var control = $"http://127.0.0.1:{FreePort.Next()}";

        var run = await OriginctlRun.RunAsync(new Dictionary<string, string> { ["ORIGINCTL_CONTROL"] = control }, Cancellation, "channels");

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.Contains(control, run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("purge")]
    [InlineData("channel")]
    [InlineData("frobnicate")]
    [InlineData("channels", "--control", "ftp://example")]
    [InlineData("channels", "--control", "not a url")]
    public async Task BadCommandLine_ExitsUsageAndSaysWhatIsWrong(params string[] args)
    {
        var run = await OriginctlRun.RunAsync(Cancellation, args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("originctl: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("originctl --help", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEveryCommand_AndNeverPrintsTheTokenFromTheEnvironment()
    {
        var run = await OriginctlRun.RunAsync(new Dictionary<string, string> { ["ORIGINCTL_TOKEN"] = "s3cret-admin-token" }, Cancellation, "--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (var command in new[] { "channels", "channel <name>", "watch", "purge <name>", "stats" })
        {
            Assert.Contains(command, run.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("s3cret", run.Output, StringComparison.Ordinal);
    }
}
