using CmafOrigin.Originctl.Output;
using Google.Protobuf.WellKnownTypes;

namespace CmafOrigin.Originctl.Tests.Output;

public sealed class UnitsTests
{
    [Theory]
    [InlineData(0, "0 b/s")]
    [InlineData(64_000, "64 kb/s")]
    [InlineData(1_072_000, "1.07 Mb/s")]
    public void BitRate_UsesDecimalPrefixes(long bitsPerSecond, string expected) => Assert.Equal(expected, Units.BitRate(bitsPerSecond));

    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(257_024, "251.0 KiB")]
    [InlineData(12_897_484, "12.3 MiB")]
    public void Bytes_UsesBinaryPrefixes(long bytes, string expected) => Assert.Equal(expected, Units.Bytes(bytes));

    [Fact]
    public void Ago_SaysHowLongBeforeNow()
    {
        var now = new DateTimeOffset(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);

        Assert.Equal("0.4 s ago", Units.Ago(Timestamp.FromDateTimeOffset(now.AddMilliseconds(-400)), now));
        Assert.Equal("3 min ago", Units.Ago(Timestamp.FromDateTimeOffset(now.AddMinutes(-3)), now));
        Assert.Equal("0.0 s ago", Units.Ago(Timestamp.FromDateTimeOffset(now.AddSeconds(1)), now));
        Assert.Equal("-", Units.Ago(null, now));
    }
}
