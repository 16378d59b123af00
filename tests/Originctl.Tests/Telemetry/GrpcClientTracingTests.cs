using System.Diagnostics;
using CmafOrigin.Contracts.V1;
using CmafOrigin.ServiceDefaults;
using CmafOrigin.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace CmafOrigin.Originctl.Tests.Telemetry;

/// <summary>
/// A gRPC call made by a service set up with ServiceDefaults is traced: Grpc.Net.Client's own span (its ActivitySource,
/// with grpc.method and grpc.status_code), the HttpClient span of its HTTP/2 request under it, and the trace context
/// reaching the control plane's server span. No extra package is needed (OpenTelemetry.Instrumentation.GrpcNetClient is
/// a beta, and Grpc.Net.Client now has an ActivitySource of its own).
/// </summary>
public sealed class GrpcClientTracingTests(LiveOriginFixture fixture) : IClassFixture<LiveOriginFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GrpcCall_FromAServiceWithServiceDefaults_IsTraced_DownToTheServerSpan()
    {
        var spans = new ExportedSpanCollection();
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans));
        using var host = builder.Build();
        await host.StartAsync(Cancellation);

        using var channel = GrpcChannel.ForAddress(fixture.Origin.ControlUri);
        var catalog = new ChannelCatalog.ChannelCatalogClient(channel);
        var headers = new Metadata { { "authorization", $"Bearer {fixture.Origin.AdminToken}" } };
        // Inside a span of the service's own, as a call made while handling a request would be.
        using (var work = new ActivitySource(builder.Environment.ApplicationName).StartActivity("work"))
        {
            Assert.NotNull(work);
            await catalog.ListChannelsAsync(new ListChannelsRequest(), headers, DateTime.UtcNow.AddSeconds(10), Cancellation);
        }

        // The server span ends just after its response: wait until both are exported.
        Activity? client = null, server = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (client is null || server is null)
        {
            await Task.Delay(20, deadline.Token);
            var calls = spans.Where(s => (s.GetTagItem("url.full") as string ?? s.GetTagItem("url.path") as string ?? string.Empty)
                .EndsWith("/cmaforigin.v1.ChannelCatalog/ListChannels", StringComparison.Ordinal)).ToList();
            client = calls.FirstOrDefault(s => s.Kind == ActivityKind.Client);
            server = calls.FirstOrDefault(s => s.Kind == ActivityKind.Server && client is not null && s.TraceId == client.TraceId);
        }

        Assert.Equal("POST", client.GetTagItem("http.request.method"));
        Assert.Equal(client.SpanId, server.ParentSpanId);
        var call = Assert.Single(spans, s => s.SpanId == client.ParentSpanId);

        Assert.Equal("Grpc.Net.Client", call.Source.Name);
        Assert.Equal("/cmaforigin.v1.ChannelCatalog/ListChannels", call.GetTagItem("grpc.method"));
        Assert.Equal("0", call.GetTagItem("grpc.status_code")?.ToString());
        await host.StopAsync(Cancellation);
    }
}
