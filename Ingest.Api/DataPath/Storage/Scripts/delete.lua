-- Delete: removes exactly the versions listed (a version begun since they were listed survives, and stays current)
-- and returns how many keys it removed. Deleting the channel's manifest ends the channel; deleting its last object
-- (ffmpeg's remove_at_exit) also removes the channel's own keys; deleting a recorded init segment's version forgets
-- the record. With hold_completed ('1' when an archive reads the channel) a completed version is unlinked like the
-- others (no current, not in the version set, counted as removed) but its meta and chunks stay until their retention
-- TTL, and the channel's activity log (the archive's queue) outlives its last object: the archive reads by version.
-- A deleted init segment's version is noted in the channel's deleted-inits hash for retention_ms (it outlives the
-- channel's other keys): every Ingest may hold a copy to heal a Redis that lost it, and restore.lua refuses that copy.
local current, versions, channel, activity, deleted_inits = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local events, deleted_event, channel_events, activity_cap = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local path, now_ms, ended_event, name, hold_completed = ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local retention_ms = ARGV[10]
-- Then the versions to delete: ARGV from 11, and the meta and chunks of each in KEYS from 6.
local first_version_arg, first_version_key = 11, 6

local current_version = redis.call('GET', current)
local removed = 0
local open = 0
local init = redis.call('HGET', channel, 'init:' .. name)
for i = 0, #ARGV - first_version_arg do
  local version = ARGV[first_version_arg + i]
  local meta, chunks = KEYS[first_version_key + 2 * i], KEYS[first_version_key + 1 + 2 * i]
  local state = redis.call('HGET', meta, 'state')
  if state == 'uploading' then open = open + 1 end
  if hold_completed == '1' and state == 'complete' then
    removed = removed + 2
  else
    removed = removed + redis.call('DEL', meta, chunks)
  end
  redis.call('ZREM', versions, version)
  if current_version == version then removed = removed + redis.call('DEL', current) end
  if init == version then
    redis.call('HDEL', channel, 'init:' .. name)
    redis.call('HSET', deleted_inits, name, version)
    redis.call('PEXPIRE', deleted_inits, retention_ms)
  end
end
local gone = redis.call('ZCARD', versions) == 0
if gone then redis.call('DEL', versions) end
if removed > 0 then
  redis.call('PUBLISH', events, deleted_event)
  local state = redis.call('HGET', channel, 'state')
  -- An upload deleted under its uploader never completes or aborts: it is no longer open.
  if state and open > 0 and redis.call('HINCRBY', channel, 'open', -open) < 0 then redis.call('HSET', channel, 'open', 0) end
  local last = gone and state and redis.call('HINCRBY', channel, 'objects', -1) <= 0
  if state == 'live' and (last or redis.call('HGET', channel, 'manifest') == path) then
    redis.call('HSET', channel, 'state', 'ended', 'ended', now_ms)
    emit(activity, ended_event, channel_events, activity_cap, true)
  end
  if last then
    redis.call('DEL', channel)
    if hold_completed ~= '1' then redis.call('DEL', activity) end
  end
end
return removed
