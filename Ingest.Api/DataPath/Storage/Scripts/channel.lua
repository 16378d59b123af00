-- Shared by the scripts that change a channel (prepended to them, see ScriptSource.cs).
-- The channel's side of every script: its activity stream (capped, each entry one ChannelEvent that is also
-- published for WatchChannels), and its keys' expiry: the channel goes with the last of its objects, the longest
-- retention of what completed or aborted ('keep') and, while uploads are open ('open'), their time to live. An
-- upload whose Ingest died leaves 'open' counted; that only keeps a live channel's keys alive for the uploading
-- time to live longer, and the count goes with the hash. 'objects' counts the channel's paths: when DELETE removes
-- the last one (ffmpeg's remove_at_exit) the channel keys go too. A channel whose hash is gone (purged, or emptied)
-- is not brought back half-made by a late completion or abort: its events are then only published, not stored.

local function emit(activity, event, channel_events, activity_cap, known)
  if event == '' then return end
  if known then redis.call('XADD', activity, 'MAXLEN', '~', activity_cap, '*', 'e', event) end
  redis.call('PUBLISH', channel_events, event)
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

