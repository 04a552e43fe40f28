-- Adds a command's events to the namespace's log, a stream kept to the newest `cap`, and
-- its counts to the shared totals. ARGV: prefix, cap, how many events, the events (each
-- packed in one string), then pairs of a total's name and an amount to add; a name
-- starting with `^` is a most-so-far, kept if the amount is larger.
local LOG, TOTALS = P .. 'log', P .. 'totals'
local cap, n = ARGV[2], tonumber(ARGV[3])
for i = 4, 3 + n do redis.call('XADD', LOG, 'MAXLEN', cap, '*', 'e', ARGV[i]) end
if n > 0 then redis.call('HINCRBY', META, 'logged', n) end
for i = 4 + n, #ARGV - 1, 2 do
  local name, amount = ARGV[i], ARGV[i + 1]
  if string.sub(name, 1, 1) == '^' then
    name = string.sub(name, 2)
    if tonumber(amount) > tonumber(redis.call('HGET', TOTALS, name) or '0') then
      redis.call('HSET', TOTALS, name, amount)
    end
  else
    redis.call('HINCRBY', TOTALS, name, amount)
  end
end
return {'ok'}
