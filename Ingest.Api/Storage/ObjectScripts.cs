namespace CmafOrigin.Ingest.Storage;

/// <summary>
/// Lua scripts for every state change of an object version. Each runs atomically on Redis, so a
/// reader never sees a chunk without its meta update, and each publishes its own wake-up event,
/// so a reader is never woken before the data is there. Every key a script touches is passed in
/// KEYS and shares the channel's hash tag (Redis Cluster safe).
/// </summary>
internal static class ObjectScripts
{
    /// <summary>
    /// Records a version in the path's version set with the time its keys expire, drops the versions
    /// that have expired, and keeps the set itself alive exactly as long as its last member: the set
    /// is what lets DELETE find every version, aborted ones included, without scanning.
    /// </summary>
    private const string Track = """
        local function track(versions, version, expires_at, now)
          redis.call('ZREMRANGEBYSCORE', versions, '-inf', now)
          redis.call('ZADD', versions, expires_at, version)
          local last = redis.call('ZRANGE', versions, -1, -1, 'WITHSCORES')
          redis.call('PEXPIREAT', versions, last[2])
        end

        """;

    /// <summary>KEYS: current, meta, versions. ARGV: version, content type, now ms, ttl ms, traceparent, channel, event. Returns the previous version or nil.</summary>
    public const string Begin = Track + """
        local prev = redis.call('GET', KEYS[1])
        redis.call('HSET', KEYS[2], 'type', ARGV[2], 'state', 'uploading', 'size', 0, 'chunks', 0,
          'created', ARGV[3], 'updated', ARGV[3], 'trace', ARGV[5], 'prev', prev or '')
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
        track(KEYS[3], ARGV[1], ARGV[3] + ARGV[4], ARGV[3])
        redis.call('PUBLISH', ARGV[6], ARGV[7])
        return prev
        """;

    /// <summary>KEYS: meta, chunks, current, versions. ARGV: version, data, received µs, now ms, ttl ms, channel, event. Returns 0 when the version is no longer uploading.</summary>
    public const string Append = Track + """
        if redis.call('HGET', KEYS[1], 'state') ~= 'uploading' then return 0 end
        redis.call('XADD', KEYS[2], '*', 'd', ARGV[2], 't', ARGV[3])
        redis.call('HINCRBY', KEYS[1], 'size', #ARGV[2])
        redis.call('HINCRBY', KEYS[1], 'chunks', 1)
        redis.call('HSET', KEYS[1], 'updated', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('PEXPIRE', KEYS[3], ARGV[5]) end
        track(KEYS[4], ARGV[1], ARGV[4] + ARGV[5], ARGV[4])
        redis.call('PUBLISH', ARGV[6], ARGV[7])
        return 1
        """;

    /// <summary>KEYS: meta, chunks, current, versions. ARGV: version, now ms, retention ms, channel, event. Returns 0 when the version is no longer uploading.</summary>
    public const string Complete = Track + """
        if redis.call('HGET', KEYS[1], 'state') ~= 'uploading' then return 0 end
        redis.call('XADD', KEYS[2], '*', 'end', redis.call('HGET', KEYS[1], 'size'))
        redis.call('HSET', KEYS[1], 'state', 'complete', 'updated', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('PEXPIRE', KEYS[3], ARGV[3]) end
        track(KEYS[4], ARGV[1], ARGV[2] + ARGV[3], ARGV[2])
        redis.call('PUBLISH', ARGV[4], ARGV[5])
        return 1
        """;

    /// <summary>
    /// KEYS: meta, chunks, current, versions, previous version's meta (or meta again when there is none).
    /// ARGV: version, previous version or '', now ms, retention ms, reason, channel, event.
    /// If the aborted version is current, the previous one becomes current again while it is retained.
    /// </summary>
    public const string Abort = Track + """
        if redis.call('HGET', KEYS[1], 'state') ~= 'uploading' then return 0 end
        redis.call('XADD', KEYS[2], '*', 'abort', ARGV[5])
        redis.call('HSET', KEYS[1], 'state', 'aborted', 'updated', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        if redis.call('GET', KEYS[3]) == ARGV[1] then
          local state = ARGV[2] ~= '' and redis.call('HGET', KEYS[5], 'state')
          local ttl = -2
          if state and state ~= 'aborted' then ttl = redis.call('PTTL', KEYS[5]) end
          if ttl > 0 then
            redis.call('SET', KEYS[3], ARGV[2], 'PX', ttl)
          else
            redis.call('DEL', KEYS[3])
          end
        end
        track(KEYS[4], ARGV[1], ARGV[3] + ARGV[4], ARGV[3])
        redis.call('PUBLISH', ARGV[6], ARGV[7])
        return 1
        """;

    /// <summary>
    /// KEYS: current, versions, then meta and chunks of each version named in ARGV.
    /// ARGV: the versions to delete, then channel and event. Deletes exactly those versions (a version
    /// begun since they were listed survives, and stays current) and returns how many keys it removed.
    /// </summary>
    public const string Delete = """
        local current = redis.call('GET', KEYS[1])
        local removed = 0
        for i = 1, #ARGV - 2 do
          removed = removed + redis.call('DEL', KEYS[2 * i + 1], KEYS[2 * i + 2])
          redis.call('ZREM', KEYS[2], ARGV[i])
          if current == ARGV[i] then removed = removed + redis.call('DEL', KEYS[1]) end
        end
        if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[2]) end
        if removed > 0 then redis.call('PUBLISH', ARGV[#ARGV - 1], ARGV[#ARGV]) end
        return removed
        """;
}
