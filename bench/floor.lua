#!lua name=sessim_bench_floor
-- The least an exact-LRU access needs in Redis, for bench/redis.sh: the five commands of
-- sessim's `read_access` (read the clock, read the session, stamp it, move it to the front
-- of the sorted set, keep the clock), without the checks, the ops or the reply. Called by
-- `redis-benchmark` itself, it shows what any client could reach with sessim's layout on
-- this machine.

-- ARGV: from, to: makes sessions 000000000000.. as sessim lays them out, in order.
redis.register_function('sessim_floor_fill', function(KEYS, ARGV)
  local P = 'sessim:{floor}:'
  for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
    local id = string.format('%012d', i)
    redis.call('HSET', P .. 's:' .. id, 'last', '10990597636854775808',
      'created', '10990597636854775808', 'values', '3:uid' .. #tostring(i) .. ':' .. i)
    redis.call('ZADD', P .. 'lru', i + 1, id)
  end
  redis.call('HSET', P .. 'meta', 'sessim', '2', 'seq', ARGV[2] + 1, 'bseq', '0',
    'pooled', '0', 'clock', '10990597636854775808', 'epoch', '0')
  return 1
end)

-- KEYS: meta. ARGV: prefix, id, now (then what sessim sends too, unread).
redis.register_function('sessim_floor_access', function(KEYS, ARGV)
  local P, id, now = ARGV[1], ARGV[2], ARGV[3]
  local m = redis.call('HMGET', P .. 'meta', 'clock', 'seq')
  redis.call('HMGET', P .. 's:' .. id, 'last', 'created', 'values')
  redis.call('HSET', P .. 's:' .. id, 'last', now)
  local seq = tonumber(m[2]) + 1
  redis.call('ZADD', P .. 'lru', seq, id)
  redis.call('HSET', P .. 'meta', 'clock', now, 'seq', string.format('%.0f', seq))
  return 1
end)
