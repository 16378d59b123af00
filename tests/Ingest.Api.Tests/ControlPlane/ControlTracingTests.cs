using System.Diagnostics;
using CmafOrigin.Contracts.V1;
using CmafOrigin.TestSupport;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace CmafOrigin.Ingest.Tests.Control;

/// <summary>The control plane in the traces: a server span per gRPC call, none for health probes.</summary>
public sealed class ControlTracingTests(RedisServer redis)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GrpcCalls_AreServerSpans_AndHealthProbesAreNotTraced()
    {
        var spans = new ExportedSpanCollection();
        await using var origin = await OriginHost.StartAsync(redis, services: services =>
            services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));
        using var client = ControlClient.For(origin);

        await new Health.HealthClient(client.Channel).CheckAsync(new HealthCheckRequest(), client.Call(Cancellation));
        await client.Catalog.ListChannelsAsync(new ListChannelsRequest(), client.Call(Cancellation));

        // A server span ends just after its response: wait for it to be exported.
        Activity? list = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (list is null)
        {
            await Task.Delay(20, deadline.Token);
            list = spans.FirstOrDefault(s => Path(s) == "/cmaforigin.v1.ChannelCatalog/ListChannels");
        }

        Assert.Equal(ActivityKind.Server, list.Kind);
        Assert.DoesNotContain(spans, s => Path(s)?.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal) == true);
    }

    private static string? Path(Activity span) => span.GetTagItem("url.path") as string;
}
