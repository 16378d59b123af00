using CmafOrigin.Contracts.Storage;
using StackExchange.Redis;

namespace CmafOrigin.Archive.Following;

/// <summary>
/// One archive writer per channel at a time, whatever the number of Archive.Worker instances: a key in the channel's
/// slot holding the writer's id with a TTL, renewed while it works. A writer that dies is replaced once it expires.
/// </summary>
internal sealed class ChannelLease(IConnectionMultiplexer redis, ObjectKeys keys, string writerId, TimeSpan leaseTime)
{
    private static readonly string Renew = Load("renew-lease.lua");
    private static readonly string Release = Load("release-lease.lua");

    public string WriterId => writerId;

    /// <summary>Takes or renews the lease; false when another writer holds it.</summary>
    public async Task<bool> HoldAsync(string channel) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(
            Renew, [keys.ChannelArchiveWriter(channel)], [writerId, (long)leaseTime.TotalMilliseconds]).ConfigureAwait(false) == 1;

    public Task ReleaseAsync(string channel) =>
        redis.GetDatabase().ScriptEvaluateAsync(Release, [keys.ChannelArchiveWriter(channel)], [writerId]);

    private static string Load(string file)
    {
        using var stream = typeof(ChannelLease).Assembly.GetManifestResourceStream($"scripts/{file}")
            ?? throw new InvalidOperationException($"The script {file} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
