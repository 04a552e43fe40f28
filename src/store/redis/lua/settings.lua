-- The namespace's settings (JSON) and their version, replaced first by new ones if given.
-- ARGV: prefix, settings ('' to only read them).
if ARGV[2] ~= '' then
  redis.call('HSET', META, 'settings', ARGV[2])
  redis.call('HINCRBY', META, 'settings_version', 1)
end
local m = redis.call('HMGET', META, 'settings_version', 'settings')
return {'settings', m[1] or '0', m[2] or ''}
