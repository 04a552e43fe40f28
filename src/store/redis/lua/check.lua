-- The store's invariants: '' when they hold, else the first broken. ARGV: prefix.
local n = redis.call('ZCARD', LRU)
if redis.call('ZCARD', BYC) ~= n then
  return 'bycreated and the list hold different numbers of sessions'
end
local in_pool = pooled()
if in_pool and redis.call('HLEN', POOL) ~= n then return 'the pool and the list differ in length' end
local clock = redis.call('HGET', META, 'clock')
local prev_neg, prev_pos
local items = redis.call('ZRANGE', LRU, 0, -1, 'WITHSCORES')
for i = 1, #items, 2 do
  local id, score = items[i], tonumber(items[i + 1])
  local h = redis.call('HMGET', skey(id), 'last', 'created', 'pos')
  if not h[1] then return 'session ' .. id .. ' is listed but not stored' end
  if h[1] > clock then return 'session ' .. id .. ' was accessed after the clock' end
  if score < 0 then
    if prev_neg and h[1] > prev_neg then return 'the back (B1) side is out of access order at ' .. id end
    prev_neg = h[1]
  else
    if prev_pos and h[1] < prev_pos then return 'the list is out of access order at ' .. id end
    prev_pos = h[1]
  end
  if not redis.call('ZSCORE', BYC, h[2] .. ':' .. id) then return 'session ' .. id .. ' is missing from bycreated' end
  if in_pool and redis.call('HGET', POOL, h[3]) ~= id then return 'session ' .. id .. ' is not where the pool says' end
end
return ''
