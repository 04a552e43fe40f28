-- Rounds of one sampling cycle, until it ends or `budget` sessions were looked at in this
-- call. ARGV: prefix, accessed-before, created-before, the cycle's key as four 16-bit
-- limbs (4-7), per round, stale percent, most examined, next draw, examined so far,
-- budget, reaped list. The pool is made first if it is not kept.
-- Returns the next draw, examined so far, reaped in this call, whether the cycle ended.
local ab, cb = ARGV[2], ARGV[3]
local key = {tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])}
local per, stale, most = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local k, scanned, budget, RL = tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13]), ARGV[14]
if not pooled() then build_pool() end
local took, looked, done = {}, 0, false
local n = redis.call('HLEN', POOL)
while true do
  local round = math.min(per, n)
  if round == 0 then done = true break end
  local expired = 0
  for _ = 1, round do
    if n == 0 then break end
    local id = redis.call('HGET', POOL, tostring(below(key, k, n)))
    k, scanned, looked = k + 1, scanned + 1, looked + 1
    local h = redis.call('HMGET', skey(id), 'last', 'created')
    if over(h[1], h[2], ab, cb) then
      remove(id, h[2], true)
      n = n - 1
      expired = expired + 1
      took[#took + 1] = h[1] .. h[2] .. id
    end
  end
  if math.floor(expired * 100 / round) <= stale or scanned >= most then done = true break end
  if looked >= budget then break end
end
for i = 1, #took, 1000 do
  redis.call('RPUSH', RL, unpack(took, i, math.min(i + 999, #took)))
end
return {k, scanned, #took, done and '1' or '0'}
