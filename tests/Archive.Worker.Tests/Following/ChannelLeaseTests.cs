using CmafOrigin.Archive.Following;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.TestSupport;

namespace CmafOrigin.Archive.Tests.Following;

/// <summary>One archive writer per channel, on a real redis-server.</summary>
public sealed class ChannelLeaseTests(RedisServer redis)
{
    private readonly ObjectKeys _keys = new($"lease-{Guid.NewGuid():N}");

    [Fact]
    public async Task Hold_IsTakenByTheFirstWriter_RenewedByIt_AndRefusedToAnother()
    {
        var a = Lease("writer-a", TimeSpan.FromSeconds(30));
        var b = Lease("writer-b", TimeSpan.FromSeconds(30));

        Assert.True(await a.HoldAsync("live/x"));
        Assert.False(await b.HoldAsync("live/x"));
        Assert.True(await a.HoldAsync("live/x"));
        Assert.True(await b.HoldAsync("live/y"));
        Assert.Equal("writer-a", (string?)await redis.Connection.GetDatabase().StringGetAsync(_keys.ChannelArchiveWriter("live/x")));
    }

    [Fact]
    public async Task Release_GivesUpOnlyTheWritersOwnLease_AndAnotherTakesItThen()
    {
        var a = Lease("writer-a", TimeSpan.FromSeconds(30));
        var b = Lease("writer-b", TimeSpan.FromSeconds(30));
        await a.HoldAsync("live/x");

        await b.ReleaseAsync("live/x");
        Assert.False(await b.HoldAsync("live/x"));

        await a.ReleaseAsync("live/x");
        Assert.True(await b.HoldAsync("live/x"));
    }

    [Fact]
    public async Task Hold_OfAWriterThatStoppedRenewing_ExpiresAndPassesToAnother()
    {
        var a = Lease("writer-a", TimeSpan.FromMilliseconds(200));
        var b = Lease("writer-b", TimeSpan.FromMilliseconds(200));
        await a.HoldAsync("live/x");

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await b.HoldAsync("live/x"))
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.False(await a.HoldAsync("live/x"));
    }

    private ChannelLease Lease(string writer, TimeSpan time) => new(redis.Connection, _keys, writer, time);
}
