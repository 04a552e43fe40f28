-- SessionRead. ARGV: prefix, id, now, accessed-before, created-before, lazy (1|0),
-- adopt at (f|b, '' for no adoption), capacity ('' for none).
local refused = at(ARGV[3])
if refused then return refused end
return read_call(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])
