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

    /// <summary>Runs the script: whether the piece was stored, or why not.</summary>
    /// <param name="offset">The bytes of the version before this piece: the script stores it only there.</param>
    public async Task<AppendResult> RunAsync(
        IDatabaseAsync db,
        string version,
        ReadOnlyMemory<byte> data,
        long offset,
        long receivedMicroseconds,
        long nowMilliseconds,
        long uploadingTtlMilliseconds,
        RedisChannel events,
        byte[] chunkEvent) =>
        (long)await db.ScriptEvaluateAsync(
            Source,
            _keys,
            [version, data, receivedMicroseconds, nowMilliseconds, uploadingTtlMilliseconds, events.ToString(), chunkEvent, offset]).ConfigureAwait(false) switch
        {
            1 => AppendResult.Stored,
            0 => AppendResult.NotUploading,
            _ => AppendResult.NotAtItsOffset,
        };
}
