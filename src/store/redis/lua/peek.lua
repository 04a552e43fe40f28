-- Looks without touching. ARGV: prefix, what (back|oldest|page), then for a page: from
-- (f|b), first rank, last rank.
local what = ARGV[2]
if what == 'back' then
  local id = redis.call('ZRANGE', LRU, 0, 0)[1]
  if not id then return {} end
  return {redis.call('HGET', skey(id), 'last')}
end
if what == 'oldest' then
  local a = oldest_last()
  if not a then return {} end
  local c = redis.call('ZRANGE', BYC, 0, 0)[1]
  return {a, string.sub(c, 1, 20)}
end
local ids
if ARGV[3] == 'f' then
  ids = redis.call('ZREVRANGE', LRU, ARGV[4], ARGV[5])
else
  ids = redis.call('ZRANGE', LRU, ARGV[4], ARGV[5])
end
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('HMGET', skey(id), 'last', 'created', 'values')
  out[#out + 1] = id
  out[#out + 1] = h[1]
  out[#out + 1] = h[2]
  out[#out + 1] = h[3]
end
return out
