-- Gives up this writer's lease of a channel, and only its own: another writer may have taken it meanwhile.
local lease = KEYS[1]
local writer = ARGV[1]

if redis.call('GET', lease) == writer then return redis.call('DEL', lease) end
return 0
