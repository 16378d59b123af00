using CmafOrigin.TestSupport;
using CmafOrigin.TestSupport.Hostile;

namespace CmafOrigin.Delivery.Tests.Hostile;

/// <summary>Oversized, malformed and trickled request heads at Delivery (the tests: <see cref="HostileHeadSuite"/>).</summary>
public sealed class HostileHeaderTests(HostileOriginFixture fixture) : HostileHeadSuite(fixture), IClassFixture<HostileOriginFixture>
{
    protected override Uri Target => Origin.DeliveryUri;

    protected override string Request(string channel, string headers) => $"GET /{channel}/a.m4s HTTP/1.1\r\n{headers}\r\n";
}
