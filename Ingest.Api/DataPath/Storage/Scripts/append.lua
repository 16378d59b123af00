-- Append: one piece of an uploading version, as one stream entry. Returns 1 when stored, 0 when the version is no
-- longer uploading, -1 when the version's size is not the piece's offset: Ingest sends a piece without waiting for the
-- one before it, so one that overtook a piece sent again (after TRYAGAIN) is refused here, never stored after a gap.
local meta, chunks, current, versions = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local version, data, received_us, now_ms, uploading_ttl_ms = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local events, chunk_event = ARGV[6], ARGV[7]
-- The bytes of the version before this piece.
local offset = ARGV[8]

local state, size = unpack(redis.call('HMGET', meta, 'state', 'size'))
if state ~= 'uploading' then return 0 end
if tonumber(size) ~= tonumber(offset) then return -1 end
redis.call('XADD', chunks, '*', 'd', data, 't', received_us)
redis.call('HINCRBY', meta, 'size', #data)
redis.call('HINCRBY', meta, 'chunks', 1)
redis.call('HSET', meta, 'updated', now_ms)
redis.call('PEXPIRE', meta, uploading_ttl_ms)
redis.call('PEXPIRE', chunks, uploading_ttl_ms)
if redis.call('GET', current) == version then redis.call('PEXPIRE', current, uploading_ttl_ms) end
track(versions, version, now_ms + uploading_ttl_ms, now_ms)
redis.call('PUBLISH', events, chunk_event)
return 1
