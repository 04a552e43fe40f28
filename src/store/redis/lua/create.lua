-- SessionInit. ARGV: prefix, id, now, end (f|b), capacity ('' for none).
local id, now = ARGV[2], ARGV[3]
local refused = at(now)
if refused then return refused end
if redis.call('EXISTS', skey(id)) == 1 then return {'exists'} end
local in_pool = pooled()
local out = make_room(ARGV[5], in_pool)
insert(id, now, ARGV[4] == 'b', in_pool)
stamp(now)
table.insert(out, 1, 'ok')
return out
