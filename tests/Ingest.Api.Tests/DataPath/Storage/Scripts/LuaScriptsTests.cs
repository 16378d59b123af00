using System.Text.RegularExpressions;
using CmafOrigin.Contracts.Catalog;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Contracts.Storage;
using CmafOrigin.Ingest.Storage.Scripts;
using CmafOrigin.TestSupport;
using StackExchange.Redis;

namespace CmafOrigin.Ingest.Tests.Storage.Scripts;

/// <summary>Every Lua script, as Redis runs it, through its typed call on a real redis-server.</summary>
public sealed partial class LuaScriptsTests(RedisServer redis)
{
    private const int ActivityCap = 300;
    private const long Minute = 60_000;

    private readonly ObjectKeys _keys = new($"scripts-{Guid.NewGuid():N}");

    // The scripts set expiry at absolute times: the clock they are given must be Redis's own (near enough).
    private readonly long _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private IDatabase Db => redis.Connection.GetDatabase();

    public static TheoryData<string> Scripts() => [.. ScriptSource.All.Keys];

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Script_LoadsOnRedis(string file)
    {
        var server = redis.Connection.GetServers().Single();

        var sha = await server.ScriptLoadAsync(ScriptSource.Load(file));

        Assert.Equal(20, sha.Length);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_NamesEachArgumentOnce_InItsOpeningLocals(string file)
    {
        var lines = ScriptSource.Load(file).Split('\n');
        foreach (var table in new[] { "KEYS", "ARGV" })
        {
            var uses = lines
                .SelectMany(line => LiteralIndex().Matches(line).Where(m => m.Groups["table"].Value == table).Select(m => (line, index: int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture))))
                .ToList();

            Assert.All(uses, use => Assert.StartsWith("local ", use.line.TrimStart(), StringComparison.Ordinal));
            Assert.Equal(Enumerable.Range(1, uses.Count), uses.Select(use => use.index));
        }
    }

    [Fact]
    public async Task VersionScripts_BeginAppendComplete_ThenAbortFallsBack_ThenDeleteAndPurge_LeaveNothing()
    {
        var path = ObjectPath.Parse($"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        var first = VersionKeys.Of(_keys, path, "v1");

        Assert.Null(await BeginAsync(first, "v1", now: _now));
        Assert.Equal(TimeSpan.FromSeconds(10), ObjectMeta.FromHash(await Db.HashGetAllAsync(first.Meta))?.IdleTimeout);
        Assert.Equal(AppendResult.Stored, await new AppendScript(first).RunAsync(Db, "v1", new byte[] { 1, 2, 3 }, offset: 0, 1_000 * _now, _now, Minute, _keys.Events, [9]));
        Assert.True(await CompleteScript.RunAsync(
            Db, first, "v1", _now + 1, Minute, _keys.Events, [9], _keys.ChannelEvents, ActivityCap, [9],
            manifestPath: string.Empty, isMainManifest: false, templates: string.Empty, channelEndedEvent: [], Minute,
            isInitSegment: false, path.Name, maxInitSegments: 64, keep: []));
        Assert.Equal("complete", (string?)await Db.HashGetAsync(first.Meta, ObjectFields.State));
        Assert.Equal("3", (string?)await Db.HashGetAsync(first.Meta, ObjectFields.Size));
        Assert.Equal("live", (string?)await Db.HashGetAsync(first.Channel, "state"));
        Assert.Equal("1", (string?)await Db.HashGetAsync(first.Channel, "latest"));

        var second = VersionKeys.Of(_keys, path, "v2");
        Assert.Equal("v1", await BeginAsync(second, "v2", now: _now + 2));
        Assert.True(await AbortScript.RunAsync(
            Db, second, first.Meta, "v2", "v1", _now + 3, Minute, "test", _keys.Events, [9], _keys.ChannelEvents, ActivityCap, [9], Minute));
        Assert.Equal("v1", (string?)await Db.StringGetAsync(first.Current));
        Assert.Equal(ObjectFields.Abort, (string?)(await Db.StreamRangeAsync(second.Chunks, count: 1, messageOrder: Order.Descending))[0].Values[0].Name);

        var removed = await DeleteAsync(path, _now + 4, holdCompleted: false, "v1", "v2");

        Assert.Equal(5, removed);
        Assert.False(await Db.KeyExistsAsync([first.Current, first.Versions, first.Meta, first.Chunks, second.Meta, second.Chunks, first.Channel, first.Activity]) > 0);
    }

    [Fact]
    public async Task Delete_HoldingForTheArchive_HidesACompletedVersionAtOnce_ButLeavesItsBytesAndTheActivityLogToExpire()
    {
        var path = ObjectPath.Parse($"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        var keys = VersionKeys.Of(_keys, path, "v1");
        await BeginAsync(keys, "v1", now: _now);
        await new AppendScript(keys).RunAsync(Db, "v1", new byte[] { 1, 2, 3 }, offset: 0, 1_000 * _now, _now, Minute, _keys.Events, [9]);
        await CompleteScript.RunAsync(
            Db, keys, "v1", _now + 1, Minute, _keys.Events, [9], _keys.ChannelEvents, ActivityCap, [9],
            manifestPath: string.Empty, isMainManifest: false, templates: string.Empty, channelEndedEvent: [], Minute,
            isInitSegment: false, path.Name, maxInitSegments: 64, keep: []);

        var removed = await DeleteAsync(path, _now + 2, holdCompleted: true, "v1");

        Assert.True(removed > 0);
        Assert.False(await Db.KeyExistsAsync(keys.Current));
        Assert.False(await Db.KeyExistsAsync(keys.Channel));
        Assert.Equal(2, (await Db.StreamRangeAsync(keys.Chunks)).Length); // the bytes and the end marker
        Assert.InRange((await Db.KeyTimeToLiveAsync(keys.Chunks))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.True(await Db.KeyExistsAsync(keys.Activity));
        Assert.NotNull(await Db.KeyTimeToLiveAsync(keys.Activity));
    }

    [Fact]
    public async Task Restore_PutsBackALostInit_ButNeverOverANewerVersion()
    {
        var path = ObjectPath.Parse($"/{TestPaths.Channel()}/init-stream0.m4s");
        var lost = VersionKeys.Of(_keys, path, "0001-a");

        Assert.Equal(RestoreOutcome.Restored, await RestoreAsync(path, "0001-a"));
        Assert.Equal("0001-a", (string?)await Db.StringGetAsync(lost.Current));
        Assert.Equal("0001-a", (string?)await Db.HashGetAsync(lost.Channel, "init:init-stream0.m4s"));
        Assert.Equal(RestoreOutcome.Stored, await RestoreAsync(path, "0001-a"));

        Assert.Equal(RestoreOutcome.Stored, await RestoreAsync(path, "0000-z"));
        Assert.Equal("0001-a", (string?)await Db.StringGetAsync(lost.Current));
    }

    [Fact]
    public async Task Restore_OfAnInitTheEncoderDeleted_WritesNothing_UntilANewerVersionIsTheCopy()
    {
        var path = ObjectPath.Parse($"/{TestPaths.Channel()}/init-stream0.m4s");
        var deleted = VersionKeys.Of(_keys, path, "0001-a");
        Assert.Equal(RestoreOutcome.Restored, await RestoreAsync(path, "0001-a"));
        var deletedInits = _keys.ChannelDeletedInitSegments(path.Channel);

        Assert.True(await DeleteAsync(path, _now + 2, holdCompleted: false, "0001-a") > 0);

        Assert.Equal("0001-a", (string?)await Db.HashGetAsync(deletedInits, path.Name));
        Assert.InRange((await Db.KeyTimeToLiveAsync(deletedInits))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(RestoreOutcome.Deleted, await RestoreAsync(path, "0001-a"));
        Assert.Equal(RestoreOutcome.Deleted, await RestoreAsync(path, "0000-z"));
        Assert.False(await Db.KeyExistsAsync(deleted.Current));

        // The encoder uploaded it again after the DELETE (a restarted run): that version is healed as any other.
        Assert.Equal(RestoreOutcome.Restored, await RestoreAsync(path, "0002-a"));
        Assert.Equal("0002-a", (string?)await Db.StringGetAsync(deleted.Current));
    }

    [Fact]
    public async Task Delete_OfAPathThatIsNotARecordedInit_RecordsNoDeletedInit()
    {
        var path = ObjectPath.Parse($"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        var keys = VersionKeys.Of(_keys, path, "v1");
        await BeginAsync(keys, "v1", now: _now);

        Assert.True(await DeleteAsync(path, _now + 1, holdCompleted: false, "v1") > 0);

        Assert.False(await Db.KeyExistsAsync(_keys.ChannelDeletedInitSegments(path.Channel)));
    }

    [Fact]
    public async Task Append_StoresAPieceOnlyWhereTheVersionEnds()
    {
        var path = ObjectPath.Parse($"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        var keys = VersionKeys.Of(_keys, path, "v1");
        var append = new AppendScript(keys);
        await BeginAsync(keys, "v1", now: _now);

        var first = await append.RunAsync(Db, "v1", new byte[] { 1, 2, 3 }, offset: 0, 1_000 * _now, _now, Minute, _keys.Events, [9]);
        var overtaking = await append.RunAsync(Db, "v1", new byte[] { 7 }, offset: 5, 1_000 * _now, _now, Minute, _keys.Events, [9]);
        var again = await append.RunAsync(Db, "v1", new byte[] { 1, 2, 3 }, offset: 0, 1_000 * _now, _now, Minute, _keys.Events, [9]);
        var second = await append.RunAsync(Db, "v1", new byte[] { 4, 5 }, offset: 3, 1_000 * _now, _now, Minute, _keys.Events, [9]);

        Assert.Equal([AppendResult.Stored, AppendResult.NotAtItsOffset, AppendResult.NotAtItsOffset, AppendResult.Stored], [first, overtaking, again, second]);
        Assert.Equal("5", (string?)await Db.HashGetAsync(keys.Meta, ObjectFields.Size));
        Assert.Equal(2, await Db.StreamLengthAsync(keys.Chunks));
    }

    [Fact]
    public async Task Begin_ClassifiedWithTemplatesTheChannelNoLongerHas_WritesNothing()
    {
        var path = ObjectPath.Parse($"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        var keys = VersionKeys.Of(_keys, path, "v1");
        await Db.HashSetAsync(keys.Channel, ChannelFields.Templates, "the new manifest's");

        var stale = await BeginClassifiedAsync(keys, "v1", _now, classifiedWith: "the old manifest's");
        var current = await BeginClassifiedAsync(keys, "v1", _now, classifiedWith: "the new manifest's");

        Assert.Equal(new BeginOutcome(TemplatesChanged: true, Previous: null), stale);
        Assert.Equal(new BeginOutcome(TemplatesChanged: false, Previous: null), current);
        Assert.Equal("v1", await Db.StringGetAsync(keys.Current));
    }

    [Fact]
    public async Task PurgeChannel_RemovesTheChannelAndTheKeysItIsGiven()
    {
        var path = ObjectPath.Parse($"/{TestPaths.Channel()}/chunk-stream0-00001.m4s");
        var keys = VersionKeys.Of(_keys, path, "v1");
        await BeginAsync(keys, "v1", now: _now);

        var removed = await PurgeChannelScript.RunAsync(Db, keys.Channel, keys.Activity, [keys.Meta, keys.Current, keys.Versions], _keys.ChannelEvents, [9]);

        Assert.Equal(5, removed);
        Assert.Equal(0, await Db.KeyExistsAsync([keys.Channel, keys.Activity, keys.Meta, keys.Current, keys.Versions]));
    }

    private async Task<string?> BeginAsync(VersionKeys keys, string version, long now)
    {
        var begun = await BeginClassifiedAsync(keys, version, now, classifiedWith: null);
        Assert.False(begun.TemplatesChanged);
        return begun.Previous;
    }

    private Task<BeginOutcome> BeginClassifiedAsync(VersionKeys keys, string version, long now, string? classifiedWith) => BeginScript.RunAsync(
        Db, keys, version, "video/mp4", now, Minute, traceParent: string.Empty, _keys.Events, [9], _keys.ChannelEvents, ActivityCap,
        quietMilliseconds: Minute, channelStartedEvent: [9], segmentStartedEvent: [9], track: "stream0", segmentNumber: 1,
        idleTimeoutMilliseconds: 10_000, classifiedWith: classifiedWith);

    private Task<RestoreOutcome> RestoreAsync(ObjectPath path, string version) => RestoreScript.RunAsync(
        Db, VersionKeys.Of(_keys, path, version), _keys.ChannelDeletedInitSegments(path.Channel), version, "video/mp4", new byte[] { 1, 2 }, 1_000 * _now, _now, _now + 1,
        Minute, "init-stream0.m4s", 64, _keys.Events, [9], [9]);

    private Task<long> DeleteAsync(ObjectPath path, long now, bool holdCompleted, params string[] versions) => DeleteScript.RunAsync(
        Db, _keys.Current(path), _keys.Versions(path), _keys.Channel(path.Channel), _keys.ChannelActivity(path.Channel),
        _keys.ChannelDeletedInitSegments(path.Channel), _keys.Events, [9], _keys.ChannelEvents, ActivityCap,
        path.Value, now, [9], path.Name, holdCompleted, Minute,
        [.. versions.Select(version => new DeletedVersion(version, _keys.Meta(path, version), _keys.Chunks(path, version)))]);

    [GeneratedRegex(@"(?<table>KEYS|ARGV)\[(?<index>\d+)\]")]
    private static partial Regex LiteralIndex();
}
