-- Renews this writer's lease of a channel, or takes it when nobody holds it; 1 when this writer holds it after.
local lease = KEYS[1]
local writer, lease_ms = ARGV[1], ARGV[2]

local holder = redis.call('GET', lease)
if holder == writer then
  redis.call('PEXPIRE', lease, lease_ms)
  return 1
end
if not holder then
  redis.call('SET', lease, writer, 'PX', lease_ms)
  return 1
end
return 0
