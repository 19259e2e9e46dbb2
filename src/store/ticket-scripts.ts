/**
 * Lua for tickets: each write of a ticket and its indexes is one script, so a crash between
 * two commands can never leave a ticket without its index entries or an idempotency key
 * pointing at nothing.
 */

/**
 * KEYS: idem, seq. ARGV: ttlMs. The ticket already made for this idempotency key ({'existing', number}),
 * else the day's next number ({'seq', n}; the counter outlives its day a little): a replay finds its
 * ticket without burning a number, in the same round trip.
 */
export const NEXT_NUMBER = `
local existing = redis.call('GET', KEYS[1])
if existing then return {'existing', existing} end
local n = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return {'seq', n}
`;

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
