-- An activity on `id` at `now`, after `at`: applies `op` (touch|get|set|del|incr) with `key` and
-- `arg`, and moves the session to the front; or, expired under lazy expiry ('1'), removes
-- it. {'ok', last before, created, expired (1|0), answer kind, answer}, {'nosuch'},
-- {'expired', last, created}, or the op's refusal.
local function access_call(id, now, ab, cb, lazy, op, key, arg)
  local k = skey(id)
  local h = redis.call('HMGET', k, 'last', 'created', 'values')
  if not h[1] then return {'nosuch'} end
  local expired = over(h[1], h[2], ab, cb)
  if expired and lazy == '1' then
    remove(id, h[2], pooled())
    return {'expired', h[1], h[2]}
  end
  local v, answer = apply(h[3], op, key, arg)
  if not v then return answer end
  if v ~= h[3] then redis.call('HSET', k, 'values', v) end
  touch(id, now)
  stamp(now)
  return {'ok', h[1], h[2], expired and '1' or '0', answer[1], answer[2] or ''}
end
