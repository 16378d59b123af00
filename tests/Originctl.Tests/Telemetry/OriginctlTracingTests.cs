using System.Collections.Concurrent;
using System.Diagnostics;
using CmafOrigin.Originctl.Telemetry;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Originctl.Tests.Telemetry;

/// <summary>originctl's own traces: a span per command around its gRPC calls, and an unreachable collector changing nothing.</summary>
public sealed class OriginctlTracingTests(LiveOriginFixture fixture) : IClassFixture<LiveOriginFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Command_IsOneSpan_ParentOfItsGrpcCallAndItsRequest()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is OriginctlTracing.SourceName or "Grpc.Net.Client" or "System.Net.Http",
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var run = await OriginctlRun.RunAsync(Cancellation, ["channel", fixture.Encoder.Channel, .. fixture.Connect]);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var command = Assert.Single(stopped, a => a.Source.Name == OriginctlTracing.SourceName && (string?)a.GetTagItem("cmaforigin.channel") == fixture.Encoder.Channel);
        Assert.Equal("originctl channel", command.DisplayName);

        // command → the gRPC call (Grpc.Net.Client's span) → its HTTP/2 request (the HttpClient span).
        var call = Assert.Single(stopped, a => a.ParentSpanId == command.SpanId);
        Assert.Equal(("Grpc.Net.Client", ActivityKind.Client), (call.Source.Name, call.Kind));
        Assert.Equal("/cmaforigin.v1.ChannelCatalog/GetChannel", call.GetTagItem("grpc.method"));
        Assert.Equal("0", call.GetTagItem("grpc.status_code")?.ToString());
        var request = Assert.Single(stopped, a => a.ParentSpanId == call.SpanId);
        Assert.Equal(ActivityKind.Client, request.Kind);
        Assert.EndsWith("/cmaforigin.v1.ChannelCatalog/GetChannel", (string?)request.GetTagItem("url.full"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_WithAnUnreachableCollector_AnswersAsUsual()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "originctl.dll"));
        start.ArgumentList.Add("channels");
        start.Environment["ORIGINCTL_CONTROL"] = fixture.Origin.ControlUri.AbsoluteUri;
        start.Environment["ORIGINCTL_TOKEN"] = fixture.Origin.AdminToken;
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePort.Next()}";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Cancellation);
        var error = process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation).WaitAsync(TimeSpan.FromSeconds(30), Cancellation);

        Assert.Equal(ExitCodes.Ok, process.ExitCode);
        Assert.Contains(fixture.Encoder.Channel, await output, StringComparison.Ordinal);
        Assert.Empty(await error);
    }
}
