-- An activity. ARGV: prefix, id, now, accessed-before, created-before, lazy (1|0), op
-- (touch|get|set|del|incr), key, value or amount.
local id, now = ARGV[2], ARGV[3]
local k = skey(id)
local h = redis.call('HMGET', k, 'last', 'created', 'values')
if not h[1] then return {'nosuch'} end
local expired = over(h[1], h[2], ARGV[4], ARGV[5])
if expired and ARGV[6] == '1' then
  remove(id, h[1], h[2], pooled())
  return {'expired', h[1], h[2]}
end
local v, answer = apply(h[3], ARGV[7], ARGV[8], ARGV[9])
if not v then return answer end
if v ~= h[3] then redis.call('HSET', k, 'values', v) end
touch(id, h[1], now)
return {'ok', h[1], h[2], expired and '1' or '0', answer[1], answer[2] or ''}
