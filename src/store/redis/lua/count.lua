-- How many sessions are over. ARGV: prefix, accessed-before, created-before.
local ab, cb = ARGV[2], ARGV[3]
local n = redis.call('ZLEXCOUNT', BYA, '-', '(' .. ab)
for _, m in ipairs(redis.call('ZRANGEBYLEX', BYC, '-', '(' .. cb)) do
  if redis.call('HGET', skey(string.sub(m, 22)), 'last') >= ab then n = n + 1 end
end
return n
