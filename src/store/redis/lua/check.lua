-- The store's invariants: '' when they hold, else the first broken. ARGV: prefix.
local n = redis.call('ZCARD', LRU)
if redis.call('ZCARD', BYA) ~= n or redis.call('ZCARD', BYC) ~= n then
  return 'the indexes and the list hold different numbers of sessions'
end
local in_pool = pooled()
if in_pool and redis.call('HLEN', POOL) ~= n then return 'the pool and the list differ in length' end
for _, id in ipairs(redis.call('ZRANGE', LRU, 0, -1)) do
  local h = redis.call('HMGET', skey(id), 'last', 'created', 'pos')
  if not h[1] then return 'session ' .. id .. ' is listed but not stored' end
  if not redis.call('ZSCORE', BYA, h[1] .. ':' .. id) then return 'session ' .. id .. ' is missing from byaccess' end
  if not redis.call('ZSCORE', BYC, h[2] .. ':' .. id) then return 'session ' .. id .. ' is missing from bycreated' end
  if in_pool and redis.call('HGET', POOL, h[3]) ~= id then return 'session ' .. id .. ' is not where the pool says' end
end
return ''
