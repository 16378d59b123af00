-- Begin: a new version of a path starts uploading and becomes current. Returns the previous version or nil, or
-- {'templates'} without writing anything when the channel's segment templates are no longer those the caller
-- classified the path with (a new manifest changed them): it reads them and begins again.
-- A channel that is new, ended or silent for longer than quiet_ms (re)starts: started-at is set and its segment
-- numbers are forgotten (a restarted encoder counts from 1 again). Its init segments stay recorded: an encoder that
-- was only cut off for a while (a network blip, a rolling restart of Ingest) does not upload them again, and a
-- restarted one overwrites their records with its new versions.
local current, meta, versions, channel, activity = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local version, content_type, now_ms, uploading_ttl_ms, traceparent = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local events, started_event = ARGV[6], ARGV[7]
local channel_events, activity_cap, quiet_ms = ARGV[8], ARGV[9], ARGV[10]
-- Events are '' when there is none to emit; track is '' and segment_number 0 when the name tells no segment.
local channel_started_event, segment_started_event, track_name, segment_number = ARGV[11], ARGV[12], ARGV[13], ARGV[14]
-- How long this Ingest lets the upload be silent before aborting it: Delivery takes a version silent for longer as
-- one whose Ingest died (no abort marker will come) and resets its viewers.
local idle_ms = ARGV[15]
-- '1' when the caller classified the path with the templates text below (it had them cached: one round trip, not two).
local check_templates, templates = ARGV[16], ARGV[17]

if check_templates == '1' and (redis.call('HGET', channel, 'templates') or '') ~= templates then return {'templates'} end

local fresh = redis.call('EXISTS', versions) == 0
local prev = redis.call('GET', current)
redis.call('HSET', meta, 'type', content_type, 'state', 'uploading', 'size', 0, 'chunks', 0,
  'created', now_ms, 'updated', now_ms, 'trace', traceparent, 'prev', prev or '', 'idle', idle_ms)
redis.call('PEXPIRE', meta, uploading_ttl_ms)
redis.call('SET', current, version, 'PX', uploading_ttl_ms)
track(versions, version, now_ms + uploading_ttl_ms, now_ms)
redis.call('PUBLISH', events, started_event)

local last = tonumber(redis.call('HGET', channel, 'activity') or '0')
if redis.call('HGET', channel, 'state') ~= 'live' or tonumber(now_ms) - last > tonumber(quiet_ms) then
  for _, field in ipairs(redis.call('HKEYS', channel)) do
    if string.sub(field, 1, 4) == 'seg:' then redis.call('HDEL', channel, field) end
  end
  redis.call('HDEL', channel, 'latest', 'ended')
  redis.call('HSET', channel, 'state', 'live', 'started', now_ms)
  emit(activity, channel_started_event, channel_events, activity_cap, true)
end
redis.call('HSET', channel, 'activity', now_ms)
if fresh then redis.call('HINCRBY', channel, 'objects', 1) end
if track_name ~= '' and tonumber(segment_number) > 0 then
  local field = 'seg:' .. track_name
  if tonumber(redis.call('HGET', channel, field) or '0') < tonumber(segment_number) then redis.call('HSET', channel, field, segment_number) end
  if tonumber(redis.call('HGET', channel, 'latest') or '0') < tonumber(segment_number) then redis.call('HSET', channel, 'latest', segment_number) end
end
emit(activity, segment_started_event, channel_events, activity_cap, true)
opened(channel, activity, tonumber(now_ms), tonumber(uploading_ttl_ms))
return prev
