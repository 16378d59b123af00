using System.Text;
using System.Xml.Linq;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Delivery.Tests.Manifests;

/// <summary>Manifests as a player receives them from Delivery.</summary>
public sealed class ManifestDeliveryTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private const string Mpd = """
        <?xml version="1.0" encoding="utf-8"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic">
          <Period id="0"/>
          <UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="https://time.akamai.com/?iso"/>
        </MPD>
        """;

    [Fact]
    public async Task Mpd_PointsItsUtcTimingAtThisOrigin_RewrittenOncePerVersion()
    {
        // A Redis of its own, so its command counters see only this test.
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var origin = await OriginHost.StartAsync(redis);
        var path = $"/{TestPaths.Channel()}/out.mpd";
        (await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(Encoding.UTF8.GetBytes(Mpd)), Cancellation)).Dispose();

        var before = await redis.CommandCallsAsync("xrange");
        var served = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            served.Add(await origin.Delivery.GetStringAsync(new Uri(path, UriKind.Relative), Cancellation));
        }

        var timing = XDocument.Parse(served[0]).Root!.Elements().Single(e => e.Name.LocalName == "UTCTiming");
        Assert.Equal(new Uri(origin.DeliveryUri, "/time").ToString(), (string?)timing.Attribute("value"));
        Assert.Single(served.Distinct());
        // Read from Redis (and rewritten) once, then served from memory.
        Assert.Equal(1, await redis.CommandCallsAsync("xrange") - before);
    }

    [Fact]
    public async Task Mpd_WithKeepMode_IsServedAsUploaded()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var origin = await OriginHost.StartAsync(redis, new Dictionary<string, string?> { ["Delivery:UtcTiming"] = "Keep" });
        var path = $"/{TestPaths.Channel()}/out.mpd";
        (await origin.Ingest.PutAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(Encoding.UTF8.GetBytes(Mpd)), Cancellation)).Dispose();

        Assert.Equal(Mpd, await origin.Delivery.GetStringAsync(new Uri(path, UriKind.Relative), Cancellation));
    }
}
