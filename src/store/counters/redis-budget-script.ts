/**
 * One operation's spend, atomically (Redis runs a script to its end before any other command):
 * the quota of the current UTC period, then the GCRA rate limit, written only if both admit it.
 * The same steps as `InMemoryBudget`, so both answer alike (test/request-path/budget.test.ts runs
 * one suite against each).
 *
 * KEYS[1]  rate key: the theoretical arrival time (TAT, ms) of the consumer's GCRA
 * KEYS[2]  quota key: hash { p = period id, c = cost points, r = requests }
 * ARGV     now (ms; '' = the server's TIME), points, rate limit (0 = none), window ms,
 *          quota period ('' = none | DAY | MONTH), quota cost points (-1 = unlimited),
 *          quota requests (-1 = unlimited), grace ms (how long keys outlive what they hold)
 * Returns  { allowed 1|0, quota state ('' | ok | requests | costPoints), rate state ('' | ok | refused),
 *            remaining points, ms until the rate budget is whole, Retry-After s,
 *            quota cost points used, quota requests used, ms until the quota period ends }
 *
 * Numbers come back as integers (Redis truncates Lua numbers), so they are rounded here as
 * `InMemoryRateLimiter` rounds them; the TAT is stored with 17 digits so fractions of a ms
 * (1000 / 3 ms per point) survive the round trip.
 */
export const SPEND_SCRIPT = /* lua */ `
local now = tonumber(ARGV[1])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local points = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local windowMs = tonumber(ARGV[4])
local period = ARGV[5]
local quotaCost = tonumber(ARGV[6])
local quotaRequests = tonumber(ARGV[7])
local graceMs = tonumber(ARGV[8])

-- Days since 1970-01-01 <-> UTC year and month (H. Hinnant's civil calendar algorithms).
local function monthOf(days)
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m
end
local function firstDayOf(y, m)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = m > 2 and m - 3 or m + 9
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + math.floor((153 * mp + 2) / 5)
  return era * 146097 + doe - 719468
end

local quotaState, usedCost, usedRequests, periodEnd, periodId = '', 0, 0, 0, ''
if period ~= '' then
  local day = math.floor(now / 86400000)
  if period == 'DAY' then
    periodId = 'D' .. day
    periodEnd = (day + 1) * 86400000
  else
    local y, m = monthOf(day)
    periodId = 'M' .. (y * 12 + m)
    if m == 12 then y, m = y + 1, 1 else m = m + 1 end
    periodEnd = firstDayOf(y, m) * 86400000
  end
  local stored = redis.call('HMGET', KEYS[2], 'p', 'c', 'r')
  if stored[1] == periodId then
    usedCost, usedRequests = tonumber(stored[2]), tonumber(stored[3])
  end
  local cost, requests = usedCost + points, usedRequests + 1
  if quotaRequests >= 0 and requests > quotaRequests then
    quotaState = 'requests'
  elseif quotaCost >= 0 and cost > quotaCost then
    quotaState = 'costPoints'
  else
    quotaState, usedCost, usedRequests = 'ok', cost, requests
  end
end
local quotaRefused = quotaState == 'requests' or quotaState == 'costPoints'

local rateState, remaining, resetInMs, retryAfterS, nextTat = '', 0, 0, 0, 0
if limit > 0 then
  local msPerPoint = windowMs / limit
  local tat = tonumber(redis.call('GET', KEYS[1])) or now
  if tat < now then tat = now end
  -- Refused by the quota: the rate budget is only shown, not spent.
  local spend = quotaRefused and 0 or points
  nextTat = tat + spend * msPerPoint
  if nextTat - now <= windowMs + 1e-6 then
    rateState = 'ok'
    remaining = math.max(0, math.floor((windowMs - (nextTat - now)) / msPerPoint + 1e-9))
    resetInMs = math.ceil(nextTat) - now
  else
    rateState = 'refused'
    local waitMs = points > limit and windowMs or nextTat - windowMs - now
    remaining = math.max(0, math.floor((windowMs - (tat - now)) / msPerPoint + 1e-9))
    resetInMs = math.ceil(tat) - now
    retryAfterS = math.max(1, math.ceil(waitMs / 1000))
  end
end

local allowed = not quotaRefused and rateState ~= 'refused'
if allowed then
  -- A key lives while it holds something (a TAT ahead of now, a period not over), plus the grace.
  if limit > 0 and points > 0 then
    redis.call('SET', KEYS[1], string.format('%.17g', nextTat), 'PX', math.ceil(nextTat - now) + graceMs)
  end
  if quotaState == 'ok' then
    redis.call('HSET', KEYS[2], 'p', periodId, 'c', usedCost, 'r', usedRequests)
    redis.call('PEXPIRE', KEYS[2], periodEnd - now + graceMs)
  end
end
return { allowed and 1 or 0, quotaState, rateState, remaining, resetInMs, retryAfterS, usedCost, usedRequests, period ~= '' and periodEnd - now or 0 }
`;
