-- An activity. ARGV: prefix, id, now, accessed-before, created-before, lazy (1|0), op
-- (touch|get|set|del|incr), key, value or amount. Returns the activity's reply as JSON
-- (see read_access.lua), or a refusal of `at`.
local refused = at(ARGV[3])
if refused then return refused end
return cjson.encode(access_call(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8],
  ARGV[9]))
