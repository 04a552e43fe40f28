-- An activity on `id` at `now`, after `at`: applies `op` (touch|get|set|del|incr) with
-- `key` and `arg`, and moves the session to the front; or, expired under lazy expiry ('1'),
-- removes it. {'ok', last before, created, expired (1|0), answer kind, answer}, {'nosuch'},
-- {'expired', last, created}, or the op's refusal. `h`, if given, holds the session's
-- `last`, `created` and `values`, as a read just found them.
local function access_call(id, now, ab, cb, lazy, op, key, arg, h)
  h = h or redis.call('HMGET', skey(id), 'last', 'created', 'values')
  if not h[1] then return {'nosuch'} end
  local expired = over(h[1], h[2], ab, cb)
  if expired and lazy == '1' then
    remove(id, h[2], pooled())
    return {'expired', h[1], h[2]}
  end
  local v, answer = apply(h[3], op, key, arg)
  if not v then return answer end
  touch(id, now, v ~= h[3] and v or nil)
  stamp(now)
  return {'ok', h[1], h[2], expired and '1' or '0', answer[1], answer[2] or ''}
end
