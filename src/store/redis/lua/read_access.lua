-- SessionRead, then an activity on the session it found or adopted: a request's first
-- two calls in one round trip. ARGV: prefix, id, now, accessed-before, created-before,
-- lazy (1|0), adopt at, capacity, op, key, value or amount. Returns [the read's reply, the
-- activity's] ([the read's] alone when the activity did not run) as JSON, or a refusal of
-- `at`. JSON, made in C by cjson, is one string for the client to read rather than a
-- dozen elements: sessim's client took half its time per request reading those.
local id, now, ab, cb, lazy = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local refused = at(now)
if refused then return refused end
local read, found = read_call(id, now, ab, cb, lazy, ARGV[7], ARGV[8])
if read[1] ~= 'found' and read[1] ~= 'adopted' then return cjson.encode({read}) end
local ac = access_call(id, now, ab, cb, lazy, ARGV[9], ARGV[10], ARGV[11], found)
-- The usual reply, an op done on a session found with an answer in printable ASCII
-- without `"` or `\`, needs no escapes, so it is joined as it stands: that saves about 5%
-- of the call's time in Redis. Times, flags and kinds are plain words.
if read[1] == 'found' and ac[1] == 'ok' and not string.find(ac[6], '[^ !#-Z%[%]^-~]') then
  return '[["found"],["ok","' .. ac[2] .. '","' .. ac[3] .. '","' .. ac[4] .. '","' .. ac[5]
    .. '","' .. ac[6] .. '"]]'
end
return cjson.encode({read, ac})
