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

    /// <summary>
    /// The channel's side of every script: its activity stream (capped, each entry one ChannelEvent that is
    /// also published for WatchChannels), and its keys' expiry: the channel goes with the last of its objects,
    /// the longest retention of what completed or aborted ('keep') and, while uploads are open ('open'), their
    /// time to live. An upload whose Ingest died leaves 'open' counted; that only keeps a live channel's keys
    /// alive for the uploading time to live longer, and the count goes with the hash. 'objects' counts the
    /// channel's paths: when DELETE removes the last one (ffmpeg's remove_at_exit) the channel keys go too.
    /// A channel whose hash is gone (purged, or emptied) is not brought back half-made by a late completion
    /// or abort: its events are then only published, not stored.
    /// </summary>
    private const string Channel = """
        local function emit(activity, event, channel, maxlen, known)
          if event == '' then return end
          if known then redis.call('XADD', activity, 'MAXLEN', '~', maxlen, '*', 'e', event) end
          redis.call('PUBLISH', channel, event)
        end

        local function expire_at(hash, activity, at)
          local ms = string.format('%.0f', at)
          redis.call('PEXPIREAT', hash, ms)
          redis.call('PEXPIREAT', activity, ms)
        end

        local function opened(hash, activity, now, uploading_ttl)
          redis.call('HINCRBY', hash, 'open', 1)
          local keep = tonumber(redis.call('HGET', hash, 'keep') or '0')
          expire_at(hash, activity, math.max(keep, now + uploading_ttl))
        end

        local function inits(hash)
          local count = 0
          for _, field in ipairs(redis.call('HKEYS', hash)) do
            if string.sub(field, 1, 5) == 'init:' then count = count + 1 end
          end
          return count
        end

        local function closed(hash, activity, known, now, retention, uploading_ttl)
          if not known then return end
          local open = redis.call('HINCRBY', hash, 'open', -1)
          if open < 0 then
            redis.call('HSET', hash, 'open', 0)
            open = 0
          end
          local keep = math.max(tonumber(redis.call('HGET', hash, 'keep') or '0'), now + retention)
          redis.call('HSET', hash, 'keep', string.format('%.0f', keep))
          if open > 0 then keep = math.max(keep, now + uploading_ttl) end
          expire_at(hash, activity, keep)
        end

        """;

    /// <summary>
    /// KEYS: current, meta, versions, channel, channel activity.
    /// ARGV: version, content type, now ms, ttl ms, traceparent, channel, event, then the channel's part:
    /// channel events, uploading ttl ms, activity cap, quiet ms, started event, segment-started event or '',
    /// track or '', segment number.
    /// Returns the previous version or nil.
    /// A channel that is new, ended or silent for longer than quiet ms (re)starts: started-at is set and its
    /// segment numbers are forgotten (a restarted encoder counts from 1 again). Its init segments stay recorded:
    /// an encoder that was only cut off for a while (a network blip, a rolling restart of Ingest) does not upload
    /// them again, and a restarted one overwrites their records with its new versions.
    /// </summary>
    public const string Begin = Track + Channel + """
        local fresh = redis.call('EXISTS', KEYS[3]) == 0
        local prev = redis.call('GET', KEYS[1])
        redis.call('HSET', KEYS[2], 'type', ARGV[2], 'state', 'uploading', 'size', 0, 'chunks', 0,
          'created', ARGV[3], 'updated', ARGV[3], 'trace', ARGV[5], 'prev', prev or '')
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
        track(KEYS[3], ARGV[1], ARGV[3] + ARGV[4], ARGV[3])
        redis.call('PUBLISH', ARGV[6], ARGV[7])

        local ch, act = KEYS[4], KEYS[5]
        local last = tonumber(redis.call('HGET', ch, 'activity') or '0')
        if redis.call('HGET', ch, 'state') ~= 'live' or tonumber(ARGV[3]) - last > tonumber(ARGV[11]) then
          for _, field in ipairs(redis.call('HKEYS', ch)) do
            if string.sub(field, 1, 4) == 'seg:' then redis.call('HDEL', ch, field) end
          end
          redis.call('HDEL', ch, 'latest', 'ended')
          redis.call('HSET', ch, 'state', 'live', 'started', ARGV[3])
          emit(act, ARGV[12], ARGV[8], ARGV[10], true)
        end
        redis.call('HSET', ch, 'activity', ARGV[3])
        if fresh then redis.call('HINCRBY', ch, 'objects', 1) end
        if ARGV[14] ~= '' and tonumber(ARGV[15]) > 0 then
          local field = 'seg:' .. ARGV[14]
          if tonumber(redis.call('HGET', ch, field) or '0') < tonumber(ARGV[15]) then redis.call('HSET', ch, field, ARGV[15]) end
          if tonumber(redis.call('HGET', ch, 'latest') or '0') < tonumber(ARGV[15]) then redis.call('HSET', ch, 'latest', ARGV[15]) end
        end
        emit(act, ARGV[13], ARGV[8], ARGV[10], true)
        opened(ch, act, tonumber(ARGV[3]), tonumber(ARGV[9]))
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

    /// <summary>
    /// KEYS: meta, chunks, current, versions, channel, channel activity, then current, versions, meta and chunks
    /// of each init segment named in ARGV.
    /// ARGV: version, now ms, retention ms, channel, event, then the channel's part: channel events, activity cap,
    /// channel event or '', manifest path or '' (not a manifest), '1' when that manifest is the channel's main one
    /// (an MPD; a playlist only names a channel that has nothing better), segment templates or '', channel-ended
    /// event or '' (the manifest went static), uploading ttl ms, '1' when this object is an init segment, its name,
    /// most init segments recorded per channel, then name and version of each init segment to keep.
    /// Returns 0 when the version is no longer uploading.
    /// </summary>
    /// <remarks>
    /// Init segments are uploaded once per encoder run, so every completion in a live channel extends the
    /// recorded init versions to at least now + retention: they live while the channel is published and expire
    /// one retention after it stops. A listed init whose record moved on (re-uploaded, deleted) is left alone; one
    /// whose version is gone is forgotten, so the record never keeps dead names.
    /// </remarks>
    public const string Complete = Track + Channel + """
        if redis.call('HGET', KEYS[1], 'state') ~= 'uploading' then return 0 end
        redis.call('XADD', KEYS[2], '*', 'end', redis.call('HGET', KEYS[1], 'size'))
        redis.call('HSET', KEYS[1], 'state', 'complete', 'updated', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('PEXPIRE', KEYS[3], ARGV[3]) end
        track(KEYS[4], ARGV[1], ARGV[2] + ARGV[3], ARGV[2])
        redis.call('PUBLISH', ARGV[4], ARGV[5])

        local ch, act = KEYS[5], KEYS[6]
        local known = redis.call('EXISTS', ch) == 1
        if known then
          redis.call('HSET', ch, 'activity', ARGV[2])
          if ARGV[9] ~= '' and (ARGV[10] == '1' or not redis.call('HGET', ch, 'manifest')) then
            redis.call('HSET', ch, 'manifest', ARGV[9])
            if ARGV[11] ~= '' then redis.call('HSET', ch, 'templates', ARGV[11]) end
          end
        end
        emit(act, ARGV[8], ARGV[6], ARGV[7], known)
        if known and ARGV[12] ~= '' and redis.call('HGET', ch, 'manifest') == ARGV[9]
            and redis.call('HGET', ch, 'state') ~= 'ended' then
          redis.call('HSET', ch, 'state', 'ended', 'ended', ARGV[2])
          emit(act, ARGV[12], ARGV[6], ARGV[7], known)
        end
        if known then
          if ARGV[14] == '1' then
            local field = 'init:' .. ARGV[15]
            if redis.call('HEXISTS', ch, field) == 1 or inits(ch) < tonumber(ARGV[16]) then
              redis.call('HSET', ch, field, ARGV[1])
            end
          end
          local at = string.format('%.0f', tonumber(ARGV[2]) + tonumber(ARGV[3]))
          for i = 0, (#ARGV - 16) / 2 - 1 do
            local name, version, k = ARGV[17 + 2 * i], ARGV[18 + 2 * i], 7 + 4 * i
            local field = 'init:' .. name
            if redis.call('HGET', ch, field) == version then
              if redis.call('HGET', KEYS[k + 2], 'state') == 'complete' then
                redis.call('PEXPIREAT', KEYS[k + 2], at, 'GT')
                redis.call('PEXPIREAT', KEYS[k + 3], at, 'GT')
                if redis.call('GET', KEYS[k]) == version then redis.call('PEXPIREAT', KEYS[k], at, 'GT') end
                redis.call('ZADD', KEYS[k + 1], 'GT', at, version)
                redis.call('PEXPIREAT', KEYS[k + 1], at, 'GT')
              else
                redis.call('HDEL', ch, field)
              end
            end
          end
        end
        closed(ch, act, known, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[13]))
        return 1
        """;

    /// <summary>
    /// KEYS: meta, chunks, current, versions, previous version's meta (or meta again when there is none),
    /// channel, channel activity.
    /// ARGV: version, previous version or '', now ms, retention ms, reason, channel, event, then the channel's part:
    /// channel events, activity cap, segment-aborted event or '', uploading ttl ms.
    /// If the aborted version is current, the previous one becomes current again while it is retained.
    /// </summary>
    public const string Abort = Track + Channel + """
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

        local ch, act = KEYS[6], KEYS[7]
        local known = redis.call('EXISTS', ch) == 1
        if known then redis.call('HSET', ch, 'activity', ARGV[3]) end
        emit(act, ARGV[10], ARGV[8], ARGV[9], known)
        closed(ch, act, known, tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[11]))
        return 1
        """;

    /// <summary>
    /// KEYS: current, versions, channel, channel activity, then meta and chunks of each version named in ARGV.
    /// ARGV: channel, event, channel events, activity cap, path, now ms, channel-ended event, name, then the versions
    /// to delete. Deletes exactly those versions (a version begun since they were listed survives, and stays
    /// current) and returns how many keys it removed. Deleting the channel's manifest ends the channel; deleting
    /// its last object (ffmpeg's remove_at_exit) also removes the channel's own keys; deleting a recorded init
    /// segment's version forgets the record.
    /// </summary>
    public const string Delete = Channel + """
        local current = redis.call('GET', KEYS[1])
        local removed = 0
        local open = 0
        local init = redis.call('HGET', KEYS[3], 'init:' .. ARGV[8])
        for i = 1, #ARGV - 8 do
          if redis.call('HGET', KEYS[2 * i + 3], 'state') == 'uploading' then open = open + 1 end
          removed = removed + redis.call('DEL', KEYS[2 * i + 3], KEYS[2 * i + 4])
          redis.call('ZREM', KEYS[2], ARGV[i + 8])
          if current == ARGV[i + 8] then removed = removed + redis.call('DEL', KEYS[1]) end
          if init == ARGV[i + 8] then redis.call('HDEL', KEYS[3], 'init:' .. ARGV[8]) end
        end
        local gone = redis.call('ZCARD', KEYS[2]) == 0
        if gone then redis.call('DEL', KEYS[2]) end
        if removed > 0 then
          redis.call('PUBLISH', ARGV[1], ARGV[2])
          local ch, act = KEYS[3], KEYS[4]
          local state = redis.call('HGET', ch, 'state')
          -- An upload deleted under its uploader never completes or aborts: it is no longer open.
          if state and open > 0 and redis.call('HINCRBY', ch, 'open', -open) < 0 then redis.call('HSET', ch, 'open', 0) end
          local last = gone and state and redis.call('HINCRBY', ch, 'objects', -1) <= 0
          if state == 'live' and (last or redis.call('HGET', ch, 'manifest') == ARGV[5]) then
            redis.call('HSET', ch, 'state', 'ended', 'ended', ARGV[6])
            emit(act, ARGV[7], ARGV[3], ARGV[4], true)
          end
          if last then redis.call('DEL', ch, act) end
        end
        return removed
        """;

    /// <summary>
    /// KEYS: current, versions, meta, chunks, channel, channel activity of one init segment version that an Ingest
    /// holds in memory (<c>Healing/InitSegmentCopies.cs</c>).
    /// ARGV: see the names at the top. Returns 1 when it put the version back, 0 when Redis has it or something newer.
    /// </summary>
    /// <remarks>
    /// Redis came back without it (restarted empty, a replica promoted that missed the write): the encoder will not
    /// upload it again, so the copy is stored again as it was, same version id and bytes, complete, recorded in the
    /// channel and retained like a completion now. Several Ingest instances may hold copies: only a path with no
    /// current version, or with one older than the copy (version ids start with their upload's time), is written, all
    /// in this one script, so the newest copy wins and nothing is written twice.
    /// </remarks>
    public const string Restore = Track + Channel + """
        local version, content_type, body, received_us = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local created, now, retention = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
        local name, max_inits, events, started, completed = ARGV[8], tonumber(ARGV[9]), ARGV[10], ARGV[11], ARGV[12]
        local current, versions, meta, chunks, ch, act = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]

        local stored = redis.call('GET', current)
        if stored == version and redis.call('EXISTS', meta) == 1 then return 0 end
        if stored and stored ~= version and (#stored > #version or (#stored == #version and stored > version)) then return 0 end

        local fresh = redis.call('EXISTS', versions) == 0
        local at = now + retention
        local ms = string.format('%.0f', at)
        redis.call('DEL', meta, chunks)
        redis.call('HSET', meta, 'type', content_type, 'state', 'complete', 'size', #body, 'chunks', 1,
          'created', created, 'updated', now, 'trace', '', 'prev', '')
        redis.call('XADD', chunks, '*', 'd', body, 't', received_us)
        redis.call('XADD', chunks, '*', 'end', #body)
        redis.call('PEXPIREAT', meta, ms)
        redis.call('PEXPIREAT', chunks, ms)
        redis.call('SET', current, version, 'PXAT', ms)
        track(versions, version, at, now)
        redis.call('PUBLISH', events, started)
        redis.call('PUBLISH', events, completed)

        -- The channel: the record that keeps the init alive, its object count, and its keys' expiry (never shortened).
        local field = 'init:' .. name
        if redis.call('HEXISTS', ch, field) == 1 or inits(ch) < max_inits then redis.call('HSET', ch, field, version) end
        if fresh then redis.call('HINCRBY', ch, 'objects', 1) end
        local keep = math.max(tonumber(redis.call('HGET', ch, 'keep') or '0'), at)
        local keep_ms = string.format('%.0f', keep)
        redis.call('HSET', ch, 'keep', keep_ms)
        for _, key in ipairs({ ch, act }) do
          local ttl = redis.call('PTTL', key)
          if ttl == -1 then redis.call('PEXPIREAT', key, keep_ms) elseif ttl >= 0 then redis.call('PEXPIREAT', key, keep_ms, 'GT') end
        end
        return 1
        """;

    /// <summary>
    /// KEYS: channel, channel activity, then any other keys of the channel to remove. ARGV: channel events,
    /// channel-ended event. The last step of a purge; announces the end when the channel was live.
    /// </summary>
    public const string PurgeChannel = """
        local live = redis.call('HGET', KEYS[1], 'state') == 'live'
        local removed = 0
        for i = 1, #KEYS do removed = removed + redis.call('DEL', KEYS[i]) end
        if live then redis.call('PUBLISH', ARGV[1], ARGV[2]) end
        return removed
        """;
}
