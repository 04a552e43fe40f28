-- A new id for a session, its place kept. ARGV: prefix, id, to, accessed-before,
-- created-before, lazy (1|0).
local id, to = ARGV[2], ARGV[3]
local k = skey(id)
local h = redis.call('HMGET', k, 'last', 'created', 'pos')
if not h[1] then return {'nosuch'} end
if redis.call('EXISTS', skey(to)) == 1 then return {'exists'} end
local last, created = h[1], h[2]
local in_pool = pooled()
if ARGV[6] == '1' and over(last, created, ARGV[4], ARGV[5]) then
  remove(id, created, in_pool)
  return {'expired', last, created}
end
local score = redis.call('ZSCORE', LRU, id)
redis.call('RENAME', k, skey(to))
redis.call('ZREM', LRU, id)
redis.call('ZADD', LRU, score, to)
redis.call('ZREM', BYC, created .. ':' .. id)
redis.call('ZADD', BYC, 0, created .. ':' .. to)
if in_pool then redis.call('HSET', POOL, h[3], to) end
return {'ok', last}
