-- The namespace's clock, moved on to `now` first if that is later. ARGV: prefix, now
-- ('' to only read it).
local clock = redis.call('HGET', META, 'clock')
if not clock then return {'gone'} end
if ARGV[2] ~= '' and ARGV[2] > clock then
  redis.call('HSET', META, 'clock', ARGV[2])
  clock = ARGV[2]
end
return {'clock', clock}
