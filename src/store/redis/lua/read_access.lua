-- SessionRead, then an activity on the session it found or adopted: a request's first
-- two calls in one round trip. ARGV: prefix, id, now, accessed-before, created-before,
-- lazy (1|0), adopt at, capacity, op, key, value or amount. Returns {the read's reply,
-- the activity's} ({the read's} alone when the activity did not run), or a refusal of
-- `at`. The two replies are returned as they are, not copied into one list, which
-- took a tenth of the call's time in Redis.
local id, now, ab, cb, lazy = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local refused = at(now)
if refused then return refused end
local read, found = read_call(id, now, ab, cb, lazy, ARGV[7], ARGV[8])
if read[1] == 'found' or read[1] == 'adopted' then
  return {read, access_call(id, now, ab, cb, lazy, ARGV[9], ARGV[10], ARGV[11], found)}
end
return {read}
