-- The namespace's clock, moved on to `now` first if that is later, and the version of its
-- settings (0 before any). ARGV: prefix, now ('' to only read it).
local m = redis.call('HMGET', META, 'clock', 'settings_version')
local clock = m[1]
if not clock then return {'gone'} end
if ARGV[2] ~= '' and ARGV[2] > clock then
  redis.call('HSET', META, 'clock', ARGV[2])
  clock = ARGV[2]
end
return {'clock', clock, m[2] or '0'}
