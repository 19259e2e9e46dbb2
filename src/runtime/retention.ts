import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** What holds a conversation's words: its transcript (web chat's history too), and web outboxes from before. */
const PATTERNS = ['kefu:{*}:outbox', 'kefu:{*}:transcript'];

/**
 * Transcript retention (`TRANSCRIPT_RETENTION_DAYS`): every stored transcript expires at most
 * this long after its last message. The stores set their own (longer) lifetime on each write;
 * a sweep clamps it, so the limit holds without each store knowing the setting. Returns the
 * number of keys clamped.
 */
export async function clampTranscripts(redis: Redis, retentionMs: number): Promise<number> {
  let clamped = 0;
  for (const pattern of PATTERNS) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (found.length === 0) continue;
      const ttls = await Promise.all(found.map((k) => redis.pttl(k)));
      const over = found.filter((_, i) => ttls[i]! === -1 || ttls[i]! > retentionMs);
      // PEXPIRE ... LT (Redis 7) would race-free this; plain PEXPIRE is fine: a write in between
      // only sets a later expiry, which the next sweep clamps again.
      await Promise.all(over.map((k) => redis.pexpire(k, retentionMs)));
      clamped += over.length;
    } while (cursor !== '0');
  }
  return clamped;
}

/** Sweep now and then every `everyMs`; stops with the returned function. */
export function startRetention(redis: Redis, retentionMs: number, logger: Logger, everyMs = 3_600_000): () => void {
  const sweep = () =>
    clampTranscripts(redis, retentionMs).then(
      (n) => n > 0 && logger.info({ clamped: n, retentionMs }, 'transcript retention applied'),
      (err: unknown) => logger.warn({ err }, 'transcript retention sweep failed'),
    );
  void sweep();
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
