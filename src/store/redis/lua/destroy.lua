-- SessionDestroy. ARGV: prefix, id.
local id = ARGV[2]
local h = redis.call('HMGET', skey(id), 'last', 'created')
if not h[1] then return {'nosuch'} end
remove(id, h[2], pooled())
return {'ok', h[1], h[2]}
