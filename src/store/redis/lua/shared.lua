-- What the namespace's processes share beyond the sessions: how many events its log has
-- forgotten, its totals (how many words, then name and value pairs), and the events it
-- keeps, oldest first. ARGV: prefix.
local LOG, TOTALS = P .. 'log', P .. 'totals'
local events = redis.call('XRANGE', LOG, '-', '+')
local logged = tonumber(redis.call('HGET', META, 'logged') or '0')
local totals = redis.call('HGETALL', TOTALS)
local out = {string.format('%.0f', logged - #events), #totals}
for _, w in ipairs(totals) do out[#out + 1] = w end
for _, e in ipairs(events) do out[#out + 1] = e[2][2] end
return out
