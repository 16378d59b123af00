using System.Net;
using CmafOrigin.TestSupport;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CmafOrigin.Ingest.Tests.Hostile;

/// <summary>Kestrel:Limits from appsettings.json (and overrides) reach Kestrel in both services, and do not cut a live upload short.</summary>
public sealed class KestrelLimitsTests(HostileOriginFixture fixture) : IClassFixture<HostileOriginFixture>
{
    private readonly OriginHost _origin = fixture.Origin;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void ConfiguredLimits_AreBoundOntoKestrel_InBothServices()
    {
        foreach (var services in new[] { _origin.IngestServices, _origin.DeliveryServices })
        {
            var limits = services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

            Assert.Equal(4096, limits.MaxRequestLineSize);
            Assert.Equal(16384, limits.MaxRequestHeadersTotalSize);
            Assert.Equal(64, limits.MaxRequestHeaderCount);
            Assert.Equal(TimeSpan.FromMinutes(1), limits.KeepAliveTimeout);
            // The fixture's override of appsettings.json's 10 s.
            Assert.Equal(HostileOriginFixture.RequestHeadersTimeout, limits.RequestHeadersTimeout);
            Assert.Equal(240, limits.MinRequestBodyDataRate?.BytesPerSecond);
            Assert.Equal(TimeSpan.FromSeconds(5), limits.MinRequestBodyDataRate?.GracePeriod);
        }
    }

    [Fact]
    public async Task LiveUploadSlowerThanTheMinimumBodyDataRate_IsNotCutOff()
    {
        // Default settings (10 s idle timeout). A live segment arrives at the encoder's pace, with pauses between CMAF chunks: here 16 bytes per 400 ms for
        // over 6 s, far below Kestrel's 240 B/s minimum after its 5 s grace, yet never silent for the idle timeout.
        await using var origin = await OriginHost.StartAsync(_origin.Redis);
        var path = $"/{TestPaths.Channel()}/chunk-stream0-00001.m4s";
        await using var upload = PacedUpload.Start(origin.Ingest, path);
        var sent = new List<byte>();

        for (var i = 0; i < 16; i++)
        {
            var piece = TestPaths.Payload(16, i);
            await upload.SendAsync(piece, Cancellation);
            sent.AddRange(piece);
            await Task.Delay(400, Cancellation);
        }

        using var response = await upload.CompleteAsync(Cancellation);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(sent, await origin.Delivery.GetByteArrayAsync(new Uri(path, UriKind.Relative), Cancellation));
    }
}
