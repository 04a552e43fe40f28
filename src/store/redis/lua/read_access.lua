-- SessionRead, then an activity on the session it found or adopted: a request's first
-- two calls in one round trip. ARGV: prefix, id, now, accessed-before, created-before,
-- lazy (1|0), adopt at, capacity, op, key, value or amount. Returns how many words the
-- read's reply has, that reply, and then the activity's, if it ran (or a refusal of
-- `at`, alone).
local id, now, ab, cb, lazy = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local refused = at(now)
if refused then return refused end
local read, found = read_call(id, now, ab, cb, lazy, ARGV[7], ARGV[8])
local out = {#read}
for _, w in ipairs(read) do out[#out + 1] = w end
if read[1] == 'found' or read[1] == 'adopted' then
  for _, w in ipairs(access_call(id, now, ab, cb, lazy, ARGV[9], ARGV[10], ARGV[11], found)) do
    out[#out + 1] = w
  end
end
return out
