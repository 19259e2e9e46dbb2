/**
 * Lua scripts for the turn protocol: a ticket lock (take a number, wait until served == number - 1).
 * Numbers are taken in arrival order, so turns run in arrival order across processes; a turn
 * start and a commit are one round trip each.
 *
 * A conversation's lane is one string, read and written whole by each script (a few hundred bytes):
 *
 *     <seq> <served> <holder's lease end, ms> <messages this minute window> <window's end, ms>
 *     <ids of the latest messages, 12 characters each, oldest first>
 *     <the latest message's replies (JSON array)>
 *
 * Dedupe without a key per message: a retry or redelivery is almost always of the latest message,
 * which is answered again; an older one in the window is acknowledged with no replies. Times are
 * Redis's own (TIME), so processes on hosts with skewed clocks agree on leases and windows.
 */
const LANE = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- {seq, served, holderUntil, count, windowEnd, tail}: tail is "\\n<ids>\\n<replies>", kept as read. A lane
-- that is not in this shape (written by hand, or by a version to come) reads as none: the
-- conversation starts a new one rather than failing every turn until it expires.
local function readLane(key)
  local raw = redis.call('GET', key)
  if not raw then return nil end
  local a, b, c, d, e, tail = string.match(raw, '^(%d+) (%d+) (%d+) (%d+) (%d+)(\\n[%w_-]*\\n.*)$')
  if not tail then return nil end
  return {tonumber(a), tonumber(b), tonumber(c), tonumber(d), tonumber(e), tail}
end
-- With no ttl the lane keeps the one it has.
local function writeLane(key, lane, ttl)
  local value = string.format('%d %d %d %d %d', lane[1], lane[2], lane[3], lane[4], lane[5]) .. lane[6]
  if ttl then redis.call('SET', key, value, 'PX', ttl) else redis.call('SET', key, value, 'KEEPTTL') end
end
-- Where a lane's tail ends its ids: the newline before the latest answer.
local function idsEnd(tail)
  return string.find(tail, '\\n', 2, true)
end
-- The replies to answer a message the window holds again with, or false.
local function seen(tail, id)
  local stop = idsEnd(tail)
  local from = 2
  while true do
    local at = string.find(tail, id, from, true)
    if not at or at >= stop then return false end
    if (at - 2) % 12 == 0 then
      if at + 12 == stop then return string.sub(tail, stop + 1) end
      return '[]'
    end
    from = at + 1
  end
end
`;

/**
 * Before the lane: a sorted set of ids and the latest answer as \`<id>\\n<replies>\`; versions before the
 * short ids remembered a message's full key (\`oldId\`).
 */
const LEGACY_DUPLICATE = `
local function legacyKnown(seenKey, lastKey, id)
  if not redis.call('ZSCORE', seenKey, id) then return false end
  local last = redis.call('GET', lastKey)
  local prefix = id .. '\\n'
  if last and string.sub(last, 1, #prefix) == prefix then return string.sub(last, #prefix + 1) end
  return '[]'
end
local function legacyDuplicate(seenKey, lastKey, id, oldId)
  return legacyKnown(seenKey, lastKey, id) or (oldId ~= id and legacyKnown(seenKey, lastKey, oldId))
end
`;

/** KEYS: lane, session, and the legacy seen, last and holder. ARGV: mySeq (0 = take a number), holderTtlMs,
 * laneTtlMs, seenId (12 characters), perMinute (0 = no limit), windowMs, known (the start of a session this client
 * holds: \`{"rev":"<token>"\`, or empty), dedupeKey (the message's full key, as older versions kept it).
 * Returns {'dup', replies} | {'limited', retryAfterMs} | {'ready', seq, session|false|1} | {'wait', seq, served, holderAlive}
 * | {'gone', seq}; the session is 1 when it starts with \`known\`: the client's copy is the stored one. */
export const BEGIN_TURN = `${LANE}${LEGACY_DUPLICATE}
local mySeq = tonumber(ARGV[1])
local fresh = mySeq == 0
local t = now()
local lane = readLane(KEYS[1])
if not lane then
  if not fresh then return {'gone', mySeq} end
  local replies = legacyDuplicate(KEYS[3], KEYS[4], ARGV[4], ARGV[8])
  if replies then return {'dup', replies} end
  -- An older version's turn in flight keeps its numbers in keys this one does not use: wait for it.
  if redis.call('EXISTS', KEYS[5]) == 1 then return {'wait', 0, -1, 1} end
  lane = {0, 0, 0, 0, 0, '\\n\\n[]'}
end
if fresh then
  local replies = seen(lane[6], ARGV[4])
  if replies then return {'dup', replies} end
  -- A fixed window per conversation, opened by its first message; a refused message counts too.
  local limit = tonumber(ARGV[5])
  if limit > 0 then
    if t >= lane[5] then
      lane[4] = 0
      lane[5] = t + tonumber(ARGV[6])
    end
    lane[4] = lane[4] + 1
    if lane[4] > limit then
      writeLane(KEYS[1], lane, ARGV[3])
      return {'limited', lane[5] - t}
    end
  end
  lane[1] = lane[1] + 1
  mySeq = lane[1]
end
local served = lane[2]
if served >= mySeq then return {'gone', mySeq} end
if served == mySeq - 1 then
  -- Checked again only after waiting: a twin delivery may have committed meanwhile.
  local replies = (not fresh) and seen(lane[6], ARGV[4])
  if replies then
    lane[2] = mySeq
    writeLane(KEYS[1], lane, ARGV[3])
    return {'dup', replies}
  end
  lane[3] = t + tonumber(ARGV[2])
  writeLane(KEYS[1], lane, ARGV[3])
  local session = redis.call('GET', KEYS[2])
  if session and ARGV[7] ~= '' and string.sub(session, 1, #ARGV[7]) == ARGV[7] then return {'ready', mySeq, 1} end
  return {'ready', mySeq, session or false}
end
if fresh then writeLane(KEYS[1], lane, ARGV[3]) end
return {'wait', mySeq, served, lane[3] > t and 1 or 0}
`;

/** KEYS: lane, session, transcript. ARGV: mySeq, sessionJson, sessionTtlMs, replyCount, laneTtlMs, seenId,
 * seenLimit, transcriptLimit, transcriptTtlMs, then replyCount replies (JSON objects: the latest answer is their
 * array), then transcript lines (JSON; none: not touched).
 * Returns 1 when committed, 0 when the turn had already been passed on. */
export const COMMIT_TURN = `${LANE}
local mySeq = tonumber(ARGV[1])
local lane = readLane(KEYS[1])
if not lane or lane[2] ~= mySeq - 1 then return 0 end
local first = 10
local lastReply = first + tonumber(ARGV[4]) - 1
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
local tail = lane[6]
local ids = string.sub(tail, 2, idsEnd(tail) - 1) .. ARGV[6]
local keep = tonumber(ARGV[7]) * 12
if #ids > keep then ids = string.sub(ids, -keep) end
lane[2] = mySeq
lane[3] = 0
lane[6] = '\\n' .. ids .. '\\n[' .. table.concat(ARGV, ',', first, lastReply) .. ']'
writeLane(KEYS[1], lane, ARGV[5])
if #ARGV > lastReply then
  local limit = tonumber(ARGV[8])
  if redis.call('RPUSH', KEYS[3], unpack(ARGV, lastReply + 1, #ARGV)) > limit then
    redis.call('LTRIM', KEYS[3], -limit, -1)
  end
  redis.call('PEXPIRE', KEYS[3], ARGV[9])
end
return 1
`;

/** KEYS: lane. ARGV: mySeq, laneTtlMs. Pass the turn on without saving. */
export const ABORT_TURN = `${LANE}
local lane = readLane(KEYS[1])
if lane and lane[2] == tonumber(ARGV[1]) - 1 then
  lane[2] = lane[2] + 1
  lane[3] = 0
  writeLane(KEYS[1], lane, ARGV[2])
  return 1
end
return 0
`;

/** KEYS: lane. ARGV: expectedServed, laneTtlMs. Skip a number whose owner died before its turn. */
export const SKIP_STALE = `${LANE}
local lane = readLane(KEYS[1])
if lane and lane[2] == tonumber(ARGV[1]) and lane[3] <= now() then
  lane[2] = lane[2] + 1
  writeLane(KEYS[1], lane, ARGV[2])
  return 1
end
return 0
`;

/** KEYS: lane, then keys to delete. Erasure: the keys go, and the latest answer (it may quote the user) becomes
 * an empty one; the lane's numbers stay, as the erasing turn still has to commit. Returns how many keys went. */
export const FORGET_CONVERSATION = `${LANE}
local lane = readLane(KEYS[1])
if lane then
  lane[6] = string.sub(lane[6], 1, idsEnd(lane[6])) .. '[]'
  writeLane(KEYS[1], lane)
end
return redis.call('DEL', unpack(KEYS, 2))
`;
