using StackExchange.Redis;

namespace CmafOrigin.Ingest.Storage.Scripts;

/// <summary>
/// <c>append.lua</c>: one piece of an uploading version, as one stream entry. Made once per upload, unlike the other
/// scripts' calls: it runs for every piece, so its keys are put in order once, not per piece.
/// </summary>
internal sealed class AppendScript(VersionKeys keys)
{
    private static readonly string Source = ScriptSource.Load("append.lua");

    private readonly RedisKey[] _keys = [keys.Meta, keys.Chunks, keys.Current, keys.Versions];

    /// <summary>Runs the script; false when the version is no longer uploading (deleted or aborted meanwhile).</summary>
    public async Task<bool> RunAsync(
        IDatabaseAsync db,
        string version,
        ReadOnlyMemory<byte> data,
        long receivedMicroseconds,
        long nowMilliseconds,
        long uploadingTtlMilliseconds,
        RedisChannel events,
        byte[] chunkEvent) =>
        (long)await db.ScriptEvaluateAsync(
            Source,
            _keys,
            [version, data, receivedMicroseconds, nowMilliseconds, uploadingTtlMilliseconds, events.ToString(), chunkEvent]).ConfigureAwait(false) == 1;
}
