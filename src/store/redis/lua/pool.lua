-- Starts (1) or stops (0) keeping the sample pool. ARGV: prefix, on.
if ARGV[2] == '1' then
  if not pooled() then build_pool() end
else
  redis.call('DEL', POOL)
  redis.call('HSET', META, 'pooled', '0')
end
return 'ok'
