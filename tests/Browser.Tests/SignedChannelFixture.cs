using CmafOrigin.TestSupport;

namespace CmafOrigin.Browser.Tests;

/// <summary>
/// <see cref="LiveChannelFixture"/>'s live channel on an origin with signed playback on: every object request
/// needs a token signed with <see cref="Key"/>.
/// </summary>
public sealed class SignedChannelFixture(RedisServer redis)
    : LiveChannelFixture(redis, new Dictionary<string, string?> { ["Delivery:SignedPlayback:Key"] = Key }, "Signed")
{
    public const string Key = "browser-test-playback-key-5e1f0c3a9d7b";
}
