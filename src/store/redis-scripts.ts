/**
 * Lua scripts for the turn protocol: a ticket lock (take a number, wait until served == number - 1).
 * Numbers are taken in arrival order, so turns run in arrival order across processes; a turn
 * start and a commit are one round trip each.
 */

/**
 * Dedupe without a key per message: the ids of the conversation's last turns sit in one small
 * sorted set, and only the latest turn's replies are kept (a retry or redelivery is almost
 * always of the latest message; an older one is acknowledged with no replies). `oldId` is the
 * message's full key, which versions before the short ids remembered: such entries leave the
 * window with the dedupe TTL (a day), and until then a redelivery is still known.
 */
const DUPLICATE = `
local function known(seenKey, lastKey, id)
  if not redis.call('ZSCORE', seenKey, id) then return false end
  local last = redis.call('GET', lastKey)
  local prefix = id .. '\\n'
  if last and string.sub(last, 1, #prefix) == prefix then return string.sub(last, #prefix + 1) end
  return '[]'
end
local function duplicate(seenKey, lastKey, id, oldId)
  return known(seenKey, lastKey, id) or (oldId ~= id and known(seenKey, lastKey, oldId))
end
`;

/** KEYS: seq, served, session, seen, holder, last, rate. ARGV: mySeq (0 = take a number), holderTtlMs, laneTtlMs,
 * seenId (the message's id in the dedupe window), perMinute (0 = no limit), windowMs, known (the start of a session
 * this client holds: \`{"rev":"<token>"\`, or empty), dedupeKey (the message's full key, as older versions kept it).
 * Returns {'dup', replies} | {'limited', retryAfterMs} | {'ready', seq, session|false|1} | {'wait', seq, served, holderAlive}
 * | {'gone', seq}; the session is 1 when it starts with \`known\`: the client's copy is the stored one. */
export const BEGIN_TURN = `${DUPLICATE}
local mySeq = tonumber(ARGV[1])
local fresh = mySeq == 0
if fresh then
  local replies = duplicate(KEYS[4], KEYS[6], ARGV[4], ARGV[8])
  if replies then return {'dup', replies} end
  -- A fixed window per conversation, opened by its first message; a refused message counts too.
  local limit = tonumber(ARGV[5])
  if limit > 0 then
    local n = redis.call('INCR', KEYS[7])
    if n == 1 then redis.call('PEXPIRE', KEYS[7], ARGV[6]) end
    if n > limit then return {'limited', redis.call('PTTL', KEYS[7])} end
  end
  mySeq = redis.call('INCR', KEYS[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
local served = tonumber(redis.call('GET', KEYS[2]) or '0')
if served >= mySeq then return {'gone', mySeq} end
if served == mySeq - 1 then
  -- Checked again only after waiting: a twin delivery may have committed meanwhile.
  local replies = (not fresh) and duplicate(KEYS[4], KEYS[6], ARGV[4], ARGV[8])
  if replies then
    redis.call('SET', KEYS[2], mySeq, 'PX', ARGV[3])
    return {'dup', replies}
  end
  redis.call('SET', KEYS[5], mySeq, 'PX', ARGV[2])
  local session = redis.call('GET', KEYS[3])
  if session and ARGV[7] ~= '' and string.sub(session, 1, #ARGV[7]) == ARGV[7] then return {'ready', mySeq, 1} end
  return {'ready', mySeq, session or false}
end
return {'wait', mySeq, served, redis.call('EXISTS', KEYS[5])}
`;

/** KEYS: served, session, seen, holder, last, transcript. ARGV: mySeq, sessionJson, sessionTtlMs, replyCount,
 * dedupeTtlMs, laneTtlMs, seenId, seenLimit, seenScore (the turn's time: oldest ids leave the window first),
 * transcriptLimit, transcriptTtlMs, then replyCount replies (JSON objects: the latest answer is their array), then
 * transcript lines (JSON; none: not touched).
 * Returns 1 when committed, 0 when the turn had already been passed on. */
export const COMMIT_TURN = `
local mySeq = tonumber(ARGV[1])
local served = tonumber(redis.call('GET', KEYS[1]) or '0')
if served ~= mySeq - 1 then return 0 end
local first = 12
local lastReply = first + tonumber(ARGV[4]) - 1
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[9], ARGV[7])
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -tonumber(ARGV[8]) - 1)
redis.call('PEXPIRE', KEYS[3], ARGV[5])
redis.call('SET', KEYS[5], ARGV[7] .. '\\n[' .. table.concat(ARGV, ',', first, lastReply) .. ']', 'PX', ARGV[5])
redis.call('SET', KEYS[1], mySeq, 'PX', ARGV[6])
redis.call('DEL', KEYS[4])
if #ARGV > lastReply then
  local limit = tonumber(ARGV[10])
  if redis.call('RPUSH', KEYS[6], unpack(ARGV, lastReply + 1, #ARGV)) > limit then
    redis.call('LTRIM', KEYS[6], -limit, -1)
  end
  redis.call('PEXPIRE', KEYS[6], ARGV[11])
end
return 1
`;

/** KEYS: served, holder. ARGV: mySeq, laneTtlMs. Pass the turn on without saving. */
export const ABORT_TURN = `
local served = tonumber(redis.call('GET', KEYS[1]) or '0')
if served == tonumber(ARGV[1]) - 1 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
`;

/** KEYS: served, holder. ARGV: expectedServed, laneTtlMs. Skip a number whose owner died before its turn. */
export const SKIP_STALE = `
local served = tonumber(redis.call('GET', KEYS[1]) or '0')
if served == tonumber(ARGV[1]) and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[1], served + 1, 'PX', ARGV[2])
  return 1
end
return 0
`;
