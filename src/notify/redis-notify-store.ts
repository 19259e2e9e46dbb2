import type { Redis } from 'ioredis';
import { LeanScript } from '../store/lean-script.js';
import type { DeadLetter, NotifyStore } from './notify-store.js';
import type { TimerRecord, TimerStore } from './scheduler.js';

// All timer keys share one hash tag, so the claim script's keys live in one Cluster slot.
const DUE = 'kefu:{timers}:due';
const DATA = 'kefu:{timers}:data';
const CLAIMS = 'kefu:{timers}:claims';
// One hash tag for the SLA keys: the count-once script touches both, so they must share a Cluster slot.
const COUNTERS = 'kefu:{sla}:counters';
const DEAD = 'kefu:deadletter';
const DEAD_LIMIT = 1000;

/**
 * KEYS: due, data, claims. ARGV: now, limit, leaseUntil, token.
 * Takes the due timers and leases them in one step, so two processes never take the same one.
 * Returns {id, payload, id, payload, ...}.
 */
const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], ARGV[3], id)
  redis.call('HSET', KEYS[3], id, ARGV[4])
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
end
return out
`;

/** KEYS: due, data, claims. ARGV: id, token. Removes the timer only if this claim still holds it. */
const ACK = `
if redis.call('HGET', KEYS[3], ARGV[1]) == ARGV[2] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
  return 1
end
return 0
`;

/** KEYS: counted, counters. ARGV: ttlMs, counter... Counts once per event. */
const COUNT_ONCE = `
if not redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then return 0 end
for i = 2, #ARGV do redis.call('HINCRBY', KEYS[2], ARGV[i], 1) end
return 1
`;

/** KEYS: due, data, claims. ARGV: id, timer JSON, due time. (Re)schedules a timer, unclaimed. */
const SCHEDULE = `
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
`;

/** KEYS: due, data, claims. ARGV: id. Removes a timer; 1 if it was scheduled. */
const CANCEL = `
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return removed
`;

// EVALSHA with the arguments encoded once (src/store/lean-script.ts), not the source every call.
const claimScript = new LeanScript(CLAIM, 3);
const ackScript = new LeanScript(ACK, 3);
const countOnceScript = new LeanScript(COUNT_ONCE, 2);
// Scripts, not MULTI, for what a ticket does: see src/store/capped-list.ts on ioredis Pipelines.
const scheduleScript = new LeanScript(SCHEDULE, 3);
const cancelScript = new LeanScript(CANCEL, 3);

/** Timers in a sorted set (score = due time) with an atomic Lua claim; once-keys, counters, dead letters. */
export class RedisNotifyStore implements TimerStore, NotifyStore {
  constructor(private readonly redis: Redis) {}

  async schedule(timer: TimerRecord): Promise<void> {
    await scheduleScript.call(this.redis, [DUE, DATA, CLAIMS], [timer.id, JSON.stringify(timer), timer.at]);
  }

  async cancel(id: string): Promise<boolean> {
    return (await cancelScript.call<number>(this.redis, [DUE, DATA, CLAIMS], [id])) > 0;
  }

  async claimDue(now: number, limit: number, leaseUntil: number, token: string): Promise<TimerRecord[]> {
    const raw = await claimScript.call<(string | null)[]>(
      this.redis,
      [DUE, DATA, CLAIMS],
      [now, limit, leaseUntil, token],
    );
    const out: TimerRecord[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const payload = raw[i + 1];
      if (payload) out.push(JSON.parse(payload) as TimerRecord);
      // A timer without data cannot be delivered: drop it rather than claim it forever.
      else await this.cancel(raw[i]!);
    }
    return out;
  }

  async ack(id: string, token: string): Promise<void> {
    await ackScript.call(this.redis, [DUE, DATA, CLAIMS], [id, token]);
  }

  async get(id: string): Promise<TimerRecord | undefined> {
    const raw = await this.redis.hget(DATA, id);
    return raw ? (JSON.parse(raw) as TimerRecord) : undefined;
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(key, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async releaseOnce(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async countOnce(eventId: string, counters: string[]): Promise<boolean> {
    const res = await countOnceScript.call(
      this.redis,
      [`kefu:{sla}:counted:${eventId}`, COUNTERS],
      [30 * 86_400_000, ...counters],
    );
    return res === 1;
  }

  async counters(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(COUNTERS);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  async deadLetter(entry: DeadLetter): Promise<void> {
    await this.redis
      .multi()
      .lpush(DEAD, JSON.stringify(entry))
      .ltrim(DEAD, 0, DEAD_LIMIT - 1)
      .exec();
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const raw = await this.redis.lrange(DEAD, 0, limit - 1);
    return raw.map((r) => JSON.parse(r) as DeadLetter);
  }
}
