-- Abort: the upload broke; writes the abort marker and retains the version briefly. If the aborted version is
-- current, the previous one becomes current again while it is retained. Returns 0 when it was no longer uploading.
-- previous_meta is meta again when there is no previous version (a script must declare every key it touches).
local meta, chunks, current, versions, previous_meta, channel, activity = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local version, previous, now_ms, retention_ms, reason = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local events, aborted_event = ARGV[6], ARGV[7]
-- segment_aborted_event is '' for a manifest.
local channel_events, activity_cap, segment_aborted_event, uploading_ttl_ms = ARGV[8], ARGV[9], ARGV[10], ARGV[11]

if redis.call('HGET', meta, 'state') ~= 'uploading' then return 0 end
redis.call('XADD', chunks, '*', 'abort', reason)
redis.call('HSET', meta, 'state', 'aborted', 'updated', now_ms)
redis.call('PEXPIRE', meta, retention_ms)
redis.call('PEXPIRE', chunks, retention_ms)
if redis.call('GET', current) == version then
  local state = previous ~= '' and redis.call('HGET', previous_meta, 'state')
  local ttl = -2
  if state and state ~= 'aborted' then ttl = redis.call('PTTL', previous_meta) end
  if ttl > 0 then
    redis.call('SET', current, previous, 'PX', ttl)
  else
    redis.call('DEL', current)
  end
end
track(versions, version, now_ms + retention_ms, now_ms)
redis.call('PUBLISH', events, aborted_event)

local known = redis.call('EXISTS', channel) == 1
if known then redis.call('HSET', channel, 'activity', now_ms) end
emit(activity, segment_aborted_event, channel_events, activity_cap, known)
closed(channel, activity, known, tonumber(now_ms), tonumber(retention_ms), tonumber(uploading_ttl_ms))
return 1
