-- SessionRead. ARGV: prefix, id, now, accessed-before, created-before, lazy (1|0),
-- adopt at (f|b, '' for no adoption), capacity ('' for none).
local id, now = ARGV[2], ARGV[3]
local h = redis.call('HMGET', skey(id), 'last', 'created')
if h[1] then
  if ARGV[6] == '1' and over(h[1], h[2], ARGV[4], ARGV[5]) then
    remove(id, h[1], h[2], pooled())
    return {'expired', h[1], h[2]}
  end
  return {'found'}
end
if ARGV[7] == '' then return {'nosuch'} end
local in_pool = pooled()
local out = make_room(ARGV[8], in_pool)
insert(id, now, ARGV[7] == 'b', in_pool)
table.insert(out, 1, 'adopted')
return out
