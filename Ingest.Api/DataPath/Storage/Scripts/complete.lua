-- Complete: the upload ended; writes the end marker (the size) and retains the version. Returns 0 when the version
-- is no longer uploading. Init segments are uploaded once per encoder run, so every completion in a live channel
-- extends the recorded init versions to at least now + retention: they live while the channel is published and
-- expire one retention after it stops. A listed init whose record moved on (re-uploaded, deleted) is left alone; one
-- whose version is gone is forgotten, so the record never keeps dead names.
local meta, chunks, current, versions, channel, activity = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local version, now_ms, retention_ms = ARGV[1], ARGV[2], ARGV[3]
local events, completed_event = ARGV[4], ARGV[5]
local channel_events, activity_cap, channel_event = ARGV[6], ARGV[7], ARGV[8]
-- manifest_path is '' for anything but a manifest; main_manifest '1' for an MPD (a playlist only names a channel
-- that has nothing better); templates and ended_event (the manifest went static) '' when there are none.
local manifest_path, main_manifest, templates, ended_event = ARGV[9], ARGV[10], ARGV[11], ARGV[12]
local uploading_ttl_ms, is_init, name, max_inits = ARGV[13], ARGV[14], ARGV[15], ARGV[16]
-- Then, per init segment recorded in the channel: ARGV name and version (from 17), KEYS current, versions, meta and
-- chunks of that version (from 7).
local first_init_arg, first_init_key = 17, 7

if redis.call('HGET', meta, 'state') ~= 'uploading' then return 0 end
redis.call('XADD', chunks, '*', 'end', redis.call('HGET', meta, 'size'))
redis.call('HSET', meta, 'state', 'complete', 'updated', now_ms)
redis.call('PEXPIRE', meta, retention_ms)
redis.call('PEXPIRE', chunks, retention_ms)
if redis.call('GET', current) == version then redis.call('PEXPIRE', current, retention_ms) end
track(versions, version, now_ms + retention_ms, now_ms)
redis.call('PUBLISH', events, completed_event)

local known = redis.call('EXISTS', channel) == 1
if known then
  redis.call('HSET', channel, 'activity', now_ms)
  if manifest_path ~= '' and (main_manifest == '1' or not redis.call('HGET', channel, 'manifest')) then
    redis.call('HSET', channel, 'manifest', manifest_path)
    if templates ~= '' then redis.call('HSET', channel, 'templates', templates) end
  end
end
emit(activity, channel_event, channel_events, activity_cap, known)
if known and ended_event ~= '' and redis.call('HGET', channel, 'manifest') == manifest_path
    and redis.call('HGET', channel, 'state') ~= 'ended' then
  redis.call('HSET', channel, 'state', 'ended', 'ended', now_ms)
  emit(activity, ended_event, channel_events, activity_cap, known)
end
if known then
  if is_init == '1' then
    local field = 'init:' .. name
    if redis.call('HEXISTS', channel, field) == 1 or inits(channel) < tonumber(max_inits) then
      redis.call('HSET', channel, field, version)
    end
  end
  local at = string.format('%.0f', tonumber(now_ms) + tonumber(retention_ms))
  for i = 0, (#ARGV - first_init_arg + 1) / 2 - 1 do
    local init_name, init_version = ARGV[first_init_arg + 2 * i], ARGV[first_init_arg + 1 + 2 * i]
    local k = first_init_key + 4 * i
    local init_current, init_versions, init_meta, init_chunks = KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
    local field = 'init:' .. init_name
    if redis.call('HGET', channel, field) == init_version then
      if redis.call('HGET', init_meta, 'state') == 'complete' then
        redis.call('PEXPIREAT', init_meta, at, 'GT')
        redis.call('PEXPIREAT', init_chunks, at, 'GT')
        if redis.call('GET', init_current) == init_version then redis.call('PEXPIREAT', init_current, at, 'GT') end
        redis.call('ZADD', init_versions, 'GT', at, init_version)
        redis.call('PEXPIREAT', init_versions, at, 'GT')
      else
        redis.call('HDEL', channel, field)
      end
    end
  end
end
closed(channel, activity, known, tonumber(now_ms), tonumber(retention_ms), tonumber(uploading_ttl_ms))
return 1
