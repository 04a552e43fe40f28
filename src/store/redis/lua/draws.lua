-- Draws (src/basics/draws.rs): 64-bit words as four 16-bit limbs, low first, since Lua's
-- numbers are doubles.
local function limbs(n)
  local out = {}
  for i = 1, 4 do
    local l = n % 65536
    out[i] = l
    n = (n - l) / 65536
  end
  return out
end

local function wxor(x, y)
  return {bit.bxor(x[1], y[1]), bit.bxor(x[2], y[2]), bit.bxor(x[3], y[3]), bit.bxor(x[4], y[4])}
end

local function carry(acc, n)
  local out, c = {}, 0
  for i = 1, n do
    local s = acc[i] + c
    out[i] = s % 65536
    c = (s - out[i]) / 65536
  end
  return out
end

local function wadd(x, y) return carry({x[1] + y[1], x[2] + y[2], x[3] + y[3], x[4] + y[4]}, 4) end

local function wshr(x, s)
  local q, r = math.floor(s / 16), s % 16
  local p = 2 ^ r
  local out = {}
  for i = 1, 4 do
    local lo, hi = x[i + q] or 0, x[i + q + 1] or 0
    out[i] = math.floor(lo / p) + (hi % p) * (65536 / p)
  end
  return out
end

local function wmul(x, y, n)
  local acc = {0, 0, 0, 0, 0, 0, 0, 0}
  for i = 1, 4 do
    for j = 1, 4 do
      if i + j - 1 <= n then acc[i + j - 1] = acc[i + j - 1] + x[i] * y[j] end
    end
  end
  return carry(acc, n)
end

local GOLDEN = {0x7c15, 0x7f4a, 0x79b9, 0x9e37}
local M1 = {0xe5b9, 0x1ce4, 0x476d, 0xbf58}
local M2 = {0x11eb, 0x1331, 0x49bb, 0x94d0}

local function mix(x)
  local z = wadd(x, GOLDEN)
  z = wmul(wxor(z, wshr(z, 30)), M1, 4)
  z = wmul(wxor(z, wshr(z, 27)), M2, 4)
  return wxor(z, wshr(z, 31))
end

-- Draw `n` of the cycle with key `key`, reduced to 0..len-1 as Lemire's method does.
local function below(key, n, len)
  local p = wmul(mix(wxor(key, mix(limbs(n)))), limbs(len), 8)
  return p[5] + p[6] * 65536 + p[7] * 4294967296 + p[8] * 281474976710656
end
