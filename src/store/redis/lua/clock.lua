-- The namespace's clock, moved on to `now` first if that is later; the version of its
-- settings (0 before any); and its epoch. ARGV: prefix, now ('' to only read it).
local m = redis.call('HMGET', META, 'clock', 'settings_version', 'epoch')
local clock = m[1]
if not clock then return {'gone'} end
if ARGV[2] ~= '' and ARGV[2] > clock then
  redis.call('HSET', META, 'clock', ARGV[2])
  clock = ARGV[2]
end
return {'clock', clock, m[2] or '0', m[3] or ''}
