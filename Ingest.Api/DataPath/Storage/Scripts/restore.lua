-- Restore: puts back one init segment version that an Ingest holds in memory (Healing/InitSegmentCopies.cs).
-- Returns 1 when it put the version back, 0 when Redis has it or something newer, -1 when the encoder deleted that
-- version (or a newer one) at this path: a DELETE through any Ingest is final, the copy is to be dropped.
-- Redis came back without it (restarted empty, a replica promoted that missed the write): the encoder will not
-- upload it again, so the copy is stored again as it was, same version id and bytes, complete, recorded in the
-- channel and retained like a completion now. Several Ingest instances may hold copies: only a path with no current
-- version, or with one older than the copy (version ids start with their upload's time), is written, all in this
-- one script, so the newest copy wins and nothing is written twice.
local current, versions, meta, chunks, ch, act, deleted_inits = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local version, content_type, body, received_us = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local created, now, retention = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local name, max_inits, events, started, completed = ARGV[8], tonumber(ARGV[9]), ARGV[10], ARGV[11], ARGV[12]

-- Version ids start with their upload's time in hex (VersionIds.cs): a longer id, or a greater one as long, is newer.
local function newer(a, b) return #a > #b or (#a == #b and a > b) end

local deleted = redis.call('HGET', deleted_inits, name)
if deleted and not newer(version, deleted) then return -1 end
local stored = redis.call('GET', current)
if stored == version and redis.call('EXISTS', meta) == 1 then return 0 end
if stored and stored ~= version and newer(stored, version) then return 0 end

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
