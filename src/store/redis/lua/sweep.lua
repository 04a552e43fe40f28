-- One batch of a sweep. ARGV: prefix, accessed-before, created-before, scan (back|whole),
-- keep (1|0), kept id, batch size, cursor (whole: the lowest score to look at, or 'run';
-- '-inf' at first), reaped list.
-- Returns sessions looked at, sessions reaped (pushed onto the reaped list as
-- last .. created .. id), whether more may follow (1|0), and the last score looked at.
local ab, cb, keep_on, keep = ARGV[2], ARGV[3], ARGV[5] == '1', ARGV[6]
local batch, cursor, RL = tonumber(ARGV[7]), ARGV[8], ARGV[9]
local in_pool = pooled()
local scanned, took, more = 0, {}, false
if ARGV[4] == 'back' then
  local ids = redis.call('ZRANGE', LRU, 0, batch - 1)
  more = #ids == batch
  for _, id in ipairs(ids) do
    scanned = scanned + 1
    if keep_on and id == keep then more = false break end
    local h = redis.call('HMGET', skey(id), 'last', 'created')
    if not over(h[1], h[2], ab, cb) then more = false break end
    remove(id, h[2], in_pool)
    took[#took + 1] = h[1] .. h[2] .. id
  end
elseif cb == '00000000000000000000' then
  -- Idle expiry only: the expired are one run of ranks (see `idle_span`), taken from its
  -- back end; every session counts as looked at, as in a walk of the whole list.
  local from, to, n = idle_span(ab)
  if cursor == '-inf' then scanned = n end
  cursor = 'run'
  local ids = {}
  if to > from then ids = redis.call('ZRANGE', LRU, from, math.min(to, from + batch + 1) - 1) end
  local kept = 0
  for _, id in ipairs(ids) do
    if #took == batch then break end
    if keep_on and id == keep then
      kept = 1
    else
      local h = redis.call('HMGET', skey(id), 'last', 'created')
      remove(id, h[2], in_pool)
      took[#took + 1] = h[1] .. h[2] .. id
    end
  end
  more = to - from - #took - kept > 0
else
  local ids = redis.call('ZRANGEBYSCORE', LRU, cursor, '+inf', 'WITHSCORES', 'LIMIT', 0, batch)
  more = #ids == 2 * batch
  for i = 1, #ids, 2 do
    local id = ids[i]
    scanned = scanned + 1
    cursor = '(' .. ids[i + 1]
    if not (keep_on and id == keep) then
      local h = redis.call('HMGET', skey(id), 'last', 'created')
      if over(h[1], h[2], ab, cb) then
        remove(id, h[2], in_pool)
        took[#took + 1] = h[1] .. h[2] .. id
      end
    end
  end
end
if #took > 0 then redis.call('RPUSH', RL, unpack(took)) end
return {scanned, #took, more and '1' or '0', cursor}
