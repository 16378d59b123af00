-- PurgeChannel: the last step of a purge; removes the channel's own keys and what else is left of it, and announces
-- the end when the channel was live. Returns how many keys it removed.
local channel = KEYS[1]
-- The keys after it: the channel's activity stream, then any other keys of the channel to remove; all are deleted.
local channel_events, ended_event = ARGV[1], ARGV[2]

local live = redis.call('HGET', channel, 'state') == 'live'
local removed = 0
for i = 1, #KEYS do removed = removed + redis.call('DEL', KEYS[i]) end
if live then redis.call('PUBLISH', channel_events, ended_event) end
return removed
