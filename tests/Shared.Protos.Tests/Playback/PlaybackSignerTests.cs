using System.Security.Cryptography;
using System.Text;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Playback;

namespace CmafOrigin.Contracts.Tests.Playback;

public sealed class PlaybackSignerTests
{
    private const string Key = "unit-test-key-of-at-least-32-chars!";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly PlaybackSigner Signer = new(Key);
    private static readonly ObjectPath Segment = ObjectPath.Parse("/live/demo/chunk-stream0-00001.m4s");

    [Fact]
    public void Sign_IsTheDocumentedFormat()
    {
        var token = Signer.Sign(PathPrefix.Parse("live/demo"), Now.AddHours(1));

        // <expires>.<base64url(prefix)>.<base64url(HMAC-SHA256(key, "cmaforigin-playback-v1\n<prefix>\n<expires>"))>
        var expires = Now.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes($"cmaforigin-playback-v1\nlive/demo\n{expires}"));
        var expected = $"{expires}.{Base64Url("live/demo"u8.ToArray())}.{Base64Url(mac)}";
        Assert.Equal(expected, token);
        Assert.Matches("^[0-9A-Za-z._-]+$", token);
    }

    /// <summary>The token docs/security.md's openssl recipe prints for this key, prefix and expiry (computed outside .NET).</summary>
    [Fact]
    public void Sign_MatchesTheDocumentedShellRecipe()
    {
        var token = Signer.Sign(PathPrefix.Parse("live/demo"), DateTimeOffset.FromUnixTimeSeconds(1767225600));

        Assert.Equal("1767225600.bGl2ZS9kZW1v.OMmELuWGOhjiiHhDs8NT-Oqrrz8Jok-v4xj_PNKYwKo", token);
    }

    [Fact]
    public void Check_OwnTokenWithinPrefixBeforeExpiry_IsValid()
    {
        var token = Signer.Sign(PathPrefix.Parse("live/demo"), Now.AddSeconds(1));

        Assert.Equal(PlaybackVerdict.Valid, Signer.Check(token, Segment, Now));
    }

    [Fact]
    public void Check_AtOrAfterExpiry_IsExpired()
    {
        var token = Signer.Sign(PathPrefix.Parse("live/demo"), Now);

        Assert.Equal(PlaybackVerdict.Expired, Signer.Check(token, Segment, Now));
        Assert.Equal(PlaybackVerdict.Expired, Signer.Check(token, Segment, Now.AddDays(1)));
    }

    [Fact]
    public void Check_OutsideThePrefix_IsOutsidePrefix()
    {
        var token = Signer.Sign(PathPrefix.Parse("live/dem"), Now.AddHours(1));

        Assert.Equal(PlaybackVerdict.OutsidePrefix, Signer.Check(token, Segment, Now));
    }

    [Fact]
    public void Check_EveryPrefix_CoversEverything()
    {
        var token = Signer.Sign(PathPrefix.Everything, Now.AddHours(1));

        Assert.Equal(PlaybackVerdict.Valid, Signer.Check(token, ObjectPath.Parse("/x/y.mpd"), Now));
    }

    [Fact]
    public void Check_AnotherKeysToken_IsBadSignature()
    {
        var token = new PlaybackSigner(Key + "x").Sign(PathPrefix.Everything, Now.AddHours(1));

        Assert.Equal(PlaybackVerdict.BadSignature, Signer.Check(token, Segment, Now));
    }

    [Fact]
    public void Check_AnyPartChanged_IsBadSignature()
    {
        var parts = Signer.Sign(PathPrefix.Parse("live/demo"), Now.AddHours(1)).Split('.');
        var longer = (long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var wider = Base64Url("live"u8.ToArray());

        Assert.Equal(PlaybackVerdict.BadSignature, Signer.Check($"{longer}.{parts[1]}.{parts[2]}", Segment, Now));
        Assert.Equal(PlaybackVerdict.BadSignature, Signer.Check($"{parts[0]}.{wider}.{parts[2]}", Segment, Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("...")]
    [InlineData("123.bGl2ZQ")]
    [InlineData("abc.bGl2ZQ.AAAA")]
    [InlineData("-1.bGl2ZQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("123.bGl2ZQ.AAAA")]
    [InlineData("123.bGl2ZS8uLg.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // prefix "live/.."
    [InlineData("123.bGl2ZS8.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // "live/": not as Sign writes it
    [InlineData("123.!!.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("1.2.3.4")]
    public void Check_Malformed_IsMissingOrMalformed(string token)
    {
        var verdict = Signer.Check(token, Segment, Now);

        Assert.Equal(token.Length == 0 ? PlaybackVerdict.Missing : PlaybackVerdict.Malformed, verdict);
    }

    [Fact]
    public void Check_HugeToken_IsMalformedUnread()
    {
        Assert.Equal(PlaybackVerdict.Malformed, Signer.Check(new string('1', 100_000), Segment, Now));
    }

    [Fact]
    public void SignPath_PutsTheTokenBeforeTheObjectPath()
    {
        var path = Signer.SignPath("live/demo/out.mpd", PathPrefix.Parse("live/demo"), Now.AddHours(1));

        Assert.Equal($"/~t/{Signer.Sign(PathPrefix.Parse("live/demo"), Now.AddHours(1))}/live/demo/out.mpd", path);
    }

    [Fact]
    public void Constructor_ShortKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PlaybackSigner(new string('k', PlaybackSigner.MinimumKeyLength - 1)));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
