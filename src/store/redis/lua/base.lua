-- sessim's Redis store: what every call shares. Each call first binds the namespace's key
-- prefix, `sessim:{NAME}:`, its ARGV[1]. Times are 20-digit strings (nanoseconds + 2^63),
-- so that comparing them as strings compares the instants. A call checks everything before
-- it writes, so one that refuses has changed nothing.
-- A library keeps its locals from call to call, so a call on the namespace bound last
-- skips making its names again, and a session's key is made once a call.
local P, META, LRU, BYC, POOL, kid, kkey
local function bind(prefix)
  if prefix == P then return end
  P, kid = prefix, nil
  META, LRU, BYC, POOL = P .. 'meta', P .. 'lru', P .. 'bycreated', P .. 'pool'
end
local function skey(id)
  if id ~= kid then kid, kkey = id, P .. 's:' .. id end
  return kkey
end

local function over(last, created, ab, cb) return last < ab or created < cb end

local function pooled() return redis.call('HGET', META, 'pooled') == '1' end

-- The namespace's clock and LRU counter, read by `at`. The clock is the latest instant
-- any process acted at, and a call at an earlier one is refused: so a session moved to the
-- front was last accessed no earlier than any other, and the list stays in last-access
-- order on each side of score 0 (see `idle_span`).
local clock, seq

-- Reads the clock and the counter: nil when `now` may act, else the refusal to return.
local function at(now)
  local m = redis.call('HMGET', META, 'clock', 'seq')
  if not m[1] then return {'gone'} end
  clock, seq = m[1], tonumber(m[2])
  if now < clock then return {'behind', clock} end
end

-- Keeps the clock at `now` and the counter, after a call that wrote. The counter, a
-- whole number below 2^53, is written by `%d`, which costs Redis less than `%.0f`.
local function stamp(now)
  redis.call('HSET', META, 'clock', now, 'seq', string.format('%d', seq))
end

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

local function remove(id, created, in_pool)
  local k = skey(id)
  if in_pool then pool_remove(k) end
  redis.call('DEL', k)
  redis.call('ZREM', LRU, id)
  redis.call('ZREM', BYC, created .. ':' .. id)
end

-- Stores a new session at `now`, after `at`: at the front, or at the back (B1) with a
-- score below all.
local function insert(id, now, at_back, in_pool)
  local k = skey(id)
  local score
  if at_back then
    score = redis.call('HINCRBY', META, 'bseq', -1)
  else
    seq = seq + 1
    score = seq
  end
  redis.call('ZADD', LRU, score, id)
  redis.call('HSET', k, 'last', now, 'created', now, 'values', '')
  redis.call('ZADD', BYC, 0, now .. ':' .. id)
  if in_pool then pool_push(k, id) end
end

-- Moves session `id` to the front, accessed at `now`, after `at`; with its values now `v`
-- if given.
local function touch(id, now, v)
  if v then
    redis.call('HSET', skey(id), 'last', now, 'values', v)
  else
    redis.call('HSET', skey(id), 'last', now)
  end
  seq = seq + 1
  redis.call('ZADD', LRU, seq, id)
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
    remove(back, h[2], in_pool)
    out[#out + 1] = back
    out[#out + 1] = h[1]
    out[#out + 1] = h[2]
  end
  return out
end
