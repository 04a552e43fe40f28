-- The list in last-access order. Since no call acts before the clock (see `at`), the
-- sessions with positive scores (made at the front, or used since) were last accessed
-- later the higher they are, and those with negative ones (made at the back by B1, not
-- used since) later the lower they are. So the sessions accessed before an instant are
-- one run of ranks, found by two binary searches.
local function last_at(rank)
  return redis.call('HGET', skey(redis.call('ZRANGE', LRU, rank, rank)[1]), 'last')
end

-- The ranks [from, to) of the sessions last accessed before `ab`, and how many are stored.
local function idle_span(ab)
  local n = redis.call('ZCARD', LRU)
  local neg = redis.call('ZCOUNT', LRU, '-inf', '(0')
  local lo, hi = 0, neg
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if last_at(mid) < ab then hi = mid else lo = mid + 1 end
  end
  local from = lo
  lo, hi = neg, n
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if last_at(mid) >= ab then hi = mid else lo = mid + 1 end
  end
  return from, lo, n
end

-- The earliest last access: at one end of the run above.
local function oldest_last()
  local n = redis.call('ZCARD', LRU)
  local neg = redis.call('ZCOUNT', LRU, '-inf', '(0')
  local a = neg < n and last_at(neg) or nil
  local b = neg > 0 and last_at(neg - 1) or nil
  if a and b and b < a then return b end
  return a or b
end
