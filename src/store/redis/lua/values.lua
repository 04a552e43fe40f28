-- Values: records `<len>:<key><len>:<value>`, lengths in bytes, in the order keys were
-- first set. Finds `key`: where its record starts and ends, and its value.
-- A record whose key has another length is passed without cutting its key out.
local function find(v, key)
  local sub, sfind = string.sub, string.find
  local i, n, kn = 1, #v, #key
  while i <= n do
    local c = sfind(v, ':', i, true)
    local kl = tonumber(sub(v, i, c - 1))
    local ke = c + kl
    local c2 = sfind(v, ':', ke + 1, true)
    local ve = c2 + tonumber(sub(v, ke + 1, c2 - 1))
    if kl == kn and sub(v, c + 1, ke) == key then return i, ve, sub(v, c2 + 1, ve) end
    i = ve + 1
  end
end

local function record(key, value) return #key .. ':' .. key .. #value .. ':' .. value end

local function put(v, key, value)
  local s, e = find(v, key)
  if s then return string.sub(v, 1, s - 1) .. record(key, value) .. string.sub(v, e + 1) end
  return v .. record(key, value)
end

-- `current` plus `by`, as Rust's i64 adds them: the sum as text, or nil and why not.
-- Integers are parsed as Rust does (sign and magnitude, the magnitude without leading
-- zeros), and summed on decimal digits, since doubles cannot hold every i64. The helpers
-- live inside, so that only an incr pays for making them.
local function add_int(current, by)
  local I64_MAX, I64_MIN = '9223372036854775807', '9223372036854775808'

  local function mag_lt(a, b)
    if #a ~= #b then return #a < #b end
    return a < b
  end

  local function fits(neg, mag)
    local limit = neg and I64_MIN or I64_MAX
    return not mag_lt(limit, mag)
  end

  local function parse_int(s)
    local sign, digits = string.match(s, '^([+-]?)(%d+)$')
    if not digits then return nil end
    digits = string.match(digits, '^0*(%d.*)$')
    if string.match(digits, '^0+$') then digits = '0' end
    local neg = sign == '-' and digits ~= '0'
    if not fits(sign == '-', digits) then return nil end
    return neg, digits
  end

  local function mag_add(a, b)
    local out, carry, i, j = {}, 0, #a, #b
    while i > 0 or j > 0 or carry > 0 do
      local s = carry + (i > 0 and string.byte(a, i) - 48 or 0) + (j > 0 and string.byte(b, j) - 48 or 0)
      out[#out + 1] = s % 10
      carry = (s - s % 10) / 10
      i, j = i - 1, j - 1
    end
    return string.reverse(table.concat(out))
  end

  -- a - b, with a >= b.
  local function mag_sub(a, b)
    local out, borrow, i, j = {}, 0, #a, #b
    while i > 0 do
      local d = string.byte(a, i) - 48 - borrow - (j > 0 and string.byte(b, j) - 48 or 0)
      if d < 0 then d, borrow = d + 10, 1 else borrow = 0 end
      out[#out + 1] = d
      i, j = i - 1, j - 1
    end
    local r = string.match(string.reverse(table.concat(out)), '^0*(%d.*)$')
    if string.match(r, '^0+$') then r = '0' end
    return r
  end

  local aneg, amag = false, '0'
  if current then
    aneg, amag = parse_int(current)
    if aneg == nil then return nil, {'notint', current} end
  end
  local bneg, bmag = parse_int(by)
  local neg, mag
  if aneg == bneg then
    neg, mag = aneg, mag_add(amag, bmag)
  elseif mag_lt(amag, bmag) then
    neg, mag = bneg, mag_sub(bmag, amag)
  else
    neg, mag = aneg, mag_sub(amag, bmag)
  end
  if mag == '0' then neg = false end
  if not fits(neg, mag) then return nil, {'overflow'} end
  return (neg and '-' or '') .. mag
end

-- Applies an op to values `v`: the new values, and the answer as {kind, value}; or nil
-- and an error reply.
local function apply(v, op, key, arg)
  if op == 'touch' then return v, {'done'} end
  if op == 'get' then
    local s, _, value = find(v, key)
    if s then return v, {'value', value} end
    return v, {'nil'}
  end
  if op == 'set' then return put(v, key, arg), {'done'} end
  if op == 'del' then
    local s, e = find(v, key)
    if s then return string.sub(v, 1, s - 1) .. string.sub(v, e + 1), {'deleted', '1'} end
    return v, {'deleted', '0'}
  end
  -- incr
  local _, _, current = find(v, key)
  local sum, refused = add_int(current, arg)
  if not sum then return nil, refused end
  return put(v, key, sum), {'counter', sum}
end
