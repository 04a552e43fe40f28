-- SessionRead of `id` at `now`, after `at`: {'found'}, {'nosuch'}, {'expired', last,
-- created} when lazy expiry ('1') took it, or {'adopted', evicted...} when `adopt` (f|b,
-- '' for no adoption) made it, after making room under capacity `cap` ('' for none). A
-- session found comes back too, as its `last`, `created` and `values`.
local function read_call(id, now, ab, cb, lazy, adopt, cap)
  local h = redis.call('HMGET', skey(id), 'last', 'created', 'values')
  if h[1] then
    if lazy == '1' and over(h[1], h[2], ab, cb) then
      remove(id, h[2], pooled())
      return {'expired', h[1], h[2]}
    end
    return {'found'}, h
  end
  if adopt == '' then return {'nosuch'} end
  local in_pool = pooled()
  local out = make_room(cap, in_pool)
  insert(id, now, adopt == 'b', in_pool)
  stamp(now)
  table.insert(out, 1, 'adopted')
  return out
end
