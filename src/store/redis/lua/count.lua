-- How many sessions are over. ARGV: prefix, accessed-before, created-before.
local ab, cb = ARGV[2], ARGV[3]
local from, to = idle_span(ab)
local n = to - from
for _, m in ipairs(redis.call('ZRANGEBYLEX', BYC, '-', '(' .. cb)) do
  if redis.call('HGET', skey(string.sub(m, 22)), 'last') >= ab then n = n + 1 end
end
return n
