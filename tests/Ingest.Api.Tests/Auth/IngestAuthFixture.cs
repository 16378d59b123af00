using CmafOrigin.TestSupport;

namespace CmafOrigin.Ingest.Tests.Auth;

/// <summary>
/// An origin whose Ingest requires credentials: a Basic user for <c>live/studio-a/</c>, a Bearer token for
/// <c>live/studio-b</c>, and both kinds for every path under <c>live/shared/</c>.
/// </summary>
public sealed class IngestAuthFixture(RedisServer redis) : IAsyncLifetime
{
    public const string StudioAUser = "studio-a";
    public const string StudioAPassword = "pw-studio-a-7f3e91c2";
    public const string StudioBToken = "tok-studio-b-5d1a8c0e94b7";

    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Ingest:Auth:AllowAnonymous"] = "false",
        ["Ingest:Auth:Credentials:0:Prefix"] = "live/studio-a/",
        ["Ingest:Auth:Credentials:0:Username"] = StudioAUser,
        ["Ingest:Auth:Credentials:0:Password"] = StudioAPassword,
        ["Ingest:Auth:Credentials:1:Prefix"] = "/live/studio-b",
        ["Ingest:Auth:Credentials:1:Token"] = StudioBToken,
        ["Ingest:Auth:Credentials:2:Prefix"] = "live/shared/",
        ["Ingest:Auth:Credentials:2:Username"] = StudioAUser,
        ["Ingest:Auth:Credentials:2:Password"] = StudioAPassword,
    };

    public OriginHost Origin { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Origin = await OriginHost.StartAsync(redis, Settings);

    public async ValueTask DisposeAsync() => await Origin.DisposeAsync();
}
