-- sessim's Redis store: what every script shares. ARGV[1] is the namespace's key prefix,
-- `sessim:{NAME}:`. Times are 20-digit strings (nanoseconds + 2^63), so that comparing
-- them as strings compares the instants. A script checks everything before it writes, so
-- one that refuses has changed nothing.
local P = ARGV[1]
local META, LRU, BYA, BYC, POOL = P .. 'meta', P .. 'lru', P .. 'byaccess', P .. 'bycreated', P .. 'pool'
local function skey(id) return P .. 's:' .. id end

local function over(last, created, ab, cb) return last < ab or created < cb end

local function pooled() return redis.call('HGET', META, 'pooled') == '1' end

-- Takes session key `k` out of the sample pool: the last one takes its place.
local function pool_remove(k)
  local pos = redis.call('HGET', k, 'pos')
  local last = tostring(redis.call('HLEN', POOL) - 1)
  if pos ~= last then
    local moved = redis.call('HGET', POOL, last)
    redis.call('HSET', POOL, pos, moved)
    redis.call('HSET', skey(moved), 'pos', pos)
  end
  redis.call('HDEL', POOL, last)
end

-- Makes the pool from the list, front to back.
local function build_pool()
  redis.call('DEL', POOL)
  for i, id in ipairs(redis.call('ZREVRANGE', LRU, 0, -1)) do
    redis.call('HSET', POOL, tostring(i - 1), id)
    redis.call('HSET', skey(id), 'pos', tostring(i - 1))
  end
  redis.call('HSET', META, 'pooled', '1')
end

local function pool_push(k, id)
  local n = tostring(redis.call('HLEN', POOL))
  redis.call('HSET', POOL, n, id)
  redis.call('HSET', k, 'pos', n)
end

local function remove(id, last, created, in_pool)
  local k = skey(id)
  if in_pool then pool_remove(k) end
  redis.call('DEL', k)
  redis.call('ZREM', LRU, id)
  redis.call('ZREM', BYA, last .. ':' .. id)
  redis.call('ZREM', BYC, created .. ':' .. id)
end

local function insert(id, now, at_back, in_pool)
  local k = skey(id)
  local score
  if at_back then
    score = redis.call('HINCRBY', META, 'bseq', -1)
  else
    score = redis.call('HINCRBY', META, 'seq', 1)
  end
  redis.call('ZADD', LRU, score, id)
  redis.call('HSET', k, 'last', now, 'created', now, 'values', '')
  redis.call('ZADD', BYA, 0, now .. ':' .. id)
  redis.call('ZADD', BYC, 0, now .. ':' .. id)
  if in_pool then pool_push(k, id) end
end

-- Moves session `id` to the front, accessed at `now`.
local function touch(id, last, now)
  redis.call('HSET', skey(id), 'last', now)
  if last ~= now then
    redis.call('ZREM', BYA, last .. ':' .. id)
    redis.call('ZADD', BYA, 0, now .. ':' .. id)
  end
  redis.call('ZADD', LRU, redis.call('HINCRBY', META, 'seq', 1), id)
end

-- Evicts from the back while `cap` sessions or more are stored; returns them flat.
local function make_room(cap, in_pool)
  local out = {}
  if cap == '' then return out end
  cap = tonumber(cap)
  while redis.call('ZCARD', LRU) >= cap do
    local back = redis.call('ZRANGE', LRU, 0, 0)[1]
    if not back then break end
    local h = redis.call('HMGET', skey(back), 'last', 'created')
    remove(back, h[1], h[2], in_pool)
    out[#out + 1] = back
    out[#out + 1] = h[1]
    out[#out + 1] = h[2]
  end
  return out
end

-- Values: records `<len>:<key><len>:<value>`, lengths in bytes, in the order keys were
-- first set. Finds `key`: where its record starts and ends, and its value.
local function find(v, key)
  local i, n = 1, #v
  while i <= n do
    local c = string.find(v, ':', i, true)
    local ke = c + tonumber(string.sub(v, i, c - 1))
    local c2 = string.find(v, ':', ke + 1, true)
    local ve = c2 + tonumber(string.sub(v, ke + 1, c2 - 1))
    if string.sub(v, c + 1, ke) == key then return i, ve, string.sub(v, c2 + 1, ve) end
    i = ve + 1
  end
end

local function record(key, value) return #key .. ':' .. key .. #value .. ':' .. value end

local function put(v, key, value)
  local s, e = find(v, key)
  if s then return string.sub(v, 1, s - 1) .. record(key, value) .. string.sub(v, e + 1) end
  return v .. record(key, value)
end

-- Integers as Rust's i64 parses them: sign and magnitude, the magnitude without leading
-- zeros. Doubles cannot hold every i64, so sums are done on decimal digits.
local I64_MAX, I64_MIN = '9223372036854775807', '9223372036854775808'

local function mag_lt(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end

local function fits(neg, mag)
  local limit = neg and I64_MIN or I64_MAX
  return not mag_lt(limit, mag)
end

local function parse_int(s)
  local sign, digits = string.match(s, '^([+-]?)(%d+)$')
  if not digits then return nil end
  digits = string.match(digits, '^0*(%d.*)$')
  if string.match(digits, '^0+$') then digits = '0' end
  local neg = sign == '-' and digits ~= '0'
  if not fits(sign == '-', digits) then return nil end
  return neg, digits
end

local function mag_add(a, b)
  local out, carry, i, j = {}, 0, #a, #b
  while i > 0 or j > 0 or carry > 0 do
    local s = carry + (i > 0 and string.byte(a, i) - 48 or 0) + (j > 0 and string.byte(b, j) - 48 or 0)
    out[#out + 1] = s % 10
    carry = (s - s % 10) / 10
    i, j = i - 1, j - 1
  end
  return string.reverse(table.concat(out))
end

-- a - b, with a >= b.
local function mag_sub(a, b)
  local out, borrow, i, j = {}, 0, #a, #b
  while i > 0 do
    local d = string.byte(a, i) - 48 - borrow - (j > 0 and string.byte(b, j) - 48 or 0)
    if d < 0 then d, borrow = d + 10, 1 else borrow = 0 end
    out[#out + 1] = d
    i, j = i - 1, j - 1
  end
  local r = string.match(string.reverse(table.concat(out)), '^0*(%d.*)$')
  if string.match(r, '^0+$') then r = '0' end
  return r
end

-- The sum as text, or nil past the i64 range.
local function int_add(aneg, amag, bneg, bmag)
  local neg, mag
  if aneg == bneg then
    neg, mag = aneg, mag_add(amag, bmag)
  elseif mag_lt(amag, bmag) then
    neg, mag = bneg, mag_sub(bmag, amag)
  else
    neg, mag = aneg, mag_sub(amag, bmag)
  end
  if mag == '0' then neg = false end
  if not fits(neg, mag) then return nil end
  return (neg and '-' or '') .. mag
end

-- Applies an op to values `v`: the new values, and the answer as {kind, value}; or nil
-- and an error reply.
local function apply(v, op, key, arg)
  if op == 'touch' then return v, {'done'} end
  if op == 'get' then
    local s, _, value = find(v, key)
    if s then return v, {'value', value} end
    return v, {'nil'}
  end
  if op == 'set' then return put(v, key, arg), {'done'} end
  if op == 'del' then
    local s, e = find(v, key)
    if s then return string.sub(v, 1, s - 1) .. string.sub(v, e + 1), {'deleted', '1'} end
    return v, {'deleted', '0'}
  end
  -- incr
  local s, _, current = find(v, key)
  local cneg, cmag = false, '0'
  if s then
    cneg, cmag = parse_int(current)
    if cneg == nil then return nil, {'notint', current} end
  end
  local bneg, bmag = parse_int(arg)
  local sum = int_add(cneg, cmag, bneg, bmag)
  if not sum then return nil, {'overflow'} end
  return put(v, key, sum), {'counter', sum}
end

-- Draws (src/basics/draws.rs): 64-bit words as four 16-bit limbs, low first, since Lua's
-- numbers are doubles.
local function limbs(n)
  local out = {}
  for i = 1, 4 do
    local l = n % 65536
    out[i] = l
    n = (n - l) / 65536
  end
  return out
end

local function wxor(x, y)
  return {bit.bxor(x[1], y[1]), bit.bxor(x[2], y[2]), bit.bxor(x[3], y[3]), bit.bxor(x[4], y[4])}
end

local function carry(acc, n)
  local out, c = {}, 0
  for i = 1, n do
    local s = acc[i] + c
    out[i] = s % 65536
    c = (s - out[i]) / 65536
  end
  return out
end

local function wadd(x, y) return carry({x[1] + y[1], x[2] + y[2], x[3] + y[3], x[4] + y[4]}, 4) end

local function wshr(x, s)
  local q, r = math.floor(s / 16), s % 16
  local p = 2 ^ r
  local out = {}
  for i = 1, 4 do
    local lo, hi = x[i + q] or 0, x[i + q + 1] or 0
    out[i] = math.floor(lo / p) + (hi % p) * (65536 / p)
  end
  return out
end

local function wmul(x, y, n)
  local acc = {0, 0, 0, 0, 0, 0, 0, 0}
  for i = 1, 4 do
    for j = 1, 4 do
      if i + j - 1 <= n then acc[i + j - 1] = acc[i + j - 1] + x[i] * y[j] end
    end
  end
  return carry(acc, n)
end

local GOLDEN = {0x7c15, 0x7f4a, 0x79b9, 0x9e37}
local M1 = {0xe5b9, 0x1ce4, 0x476d, 0xbf58}
local M2 = {0x11eb, 0x1331, 0x49bb, 0x94d0}

local function mix(x)
  local z = wadd(x, GOLDEN)
  z = wmul(wxor(z, wshr(z, 30)), M1, 4)
  z = wmul(wxor(z, wshr(z, 27)), M2, 4)
  return wxor(z, wshr(z, 31))
end

-- Draw `n` of the cycle with key `key`, reduced to 0..len-1 as Lemire's method does.
local function below(key, n, len)
  local p = wmul(mix(wxor(key, mix(limbs(n)))), limbs(len), 8)
  return p[5] + p[6] * 65536 + p[7] * 4294967296 + p[8] * 281474976710656
end
