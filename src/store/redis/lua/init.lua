-- Starts the namespace, unless it is started: the layout's version, the LRU counters, the
-- sample pool off, the clock at the first instant, and a new epoch, by which processes on
-- it see that it started again. ARGV: prefix, layout, epoch.
if redis.call('EXISTS', META) == 1 then return 0 end
redis.call('HSET', META, 'sessim', ARGV[2], 'seq', '0', 'bseq', '0', 'pooled', '0',
  'clock', '00000000000000000000', 'epoch', ARGV[3])
return 1
