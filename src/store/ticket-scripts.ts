/**
 * Lua for tickets: each write of a ticket and its indexes is one script, so a crash between
 * two commands can never leave a ticket without its index entries or an idempotency key
 * pointing at nothing.
 */

/** KEYS: idem, ticket, byUser, byStatus, byKind. ARGV: number, json, score, idemTtlMs.
 * Returns the number of the ticket for this idempotency key (an earlier one when replayed). */
export const CREATE_TICKET = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
if redis.call('EXISTS', KEYS[2]) == 1 then return redis.error_reply('KEFU_TICKET_EXISTS ' .. ARGV[1]) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('HSET', KEYS[2], 'data', ARGV[2], 'v', 1)
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[3], ARGV[1])
return ARGV[1]
`;

/** KEYS: ticket, oldStatusIndex, newStatusIndex. ARGV: expectedVersion, json, number, score.
 * Compare-and-set on the version: 1 written, 0 someone else wrote first, -1 no such ticket. */
export const UPDATE_TICKET = `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return -1 end
if v ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'v', tonumber(v) + 1)
if KEYS[2] ~= KEYS[3] then
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
end
return 1
`;

/**
 * KEYS: index. ARGV: limit, ticket key prefix. The newest tickets of an index with their
 * versions, flat ({data, v, data, v, ...}), in one round trip. The ticket keys are made here from
 * the numbers: they share the index's `{tickets}` hash tag, so they are in its Cluster slot.
 */
export const LIST_TICKETS = `
local out = {}
for _, number in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)) do
  local t = redis.call('HMGET', ARGV[2] .. number, 'data', 'v')
  if t[1] and t[2] then
    out[#out + 1] = t[1]
    out[#out + 1] = t[2]
  end
end
return out
`;
