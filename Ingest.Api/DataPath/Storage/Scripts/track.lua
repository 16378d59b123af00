-- Shared by the scripts that store a version (prepended to them, see ScriptSource.cs).
-- Records a version in the path's version set with the time its keys expire, drops the versions that have
-- expired, and keeps the set itself alive exactly as long as its last member: the set is what lets DELETE
-- find every version, aborted ones included, without scanning.
local function track(versions, version, expires_at, now)
  redis.call('ZREMRANGEBYSCORE', versions, '-inf', now)
  redis.call('ZADD', versions, expires_at, version)
  local last = redis.call('ZRANGE', versions, -1, -1, 'WITHSCORES')
  redis.call('PEXPIREAT', versions, last[2])
end

