import type { Redis } from 'ioredis';
import { LeanScript } from './lean-script.js';

/** KEYS: list. ARGV: cap, ttlMs, line... Appends, keeps the last `cap` lines, renews the expiry. */
const APPEND_CAPPED = `
redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;
const appendCappedScript = new LeanScript(APPEND_CAPPED, 1);

/**
 * Appends `lines` to the list at `key`, keeping its last `cap` lines, and sets it to expire
 * `ttlMs` from now, in one step.
 *
 * A script, not `redis.multi()`: every ioredis Pipeline (what `multi()` and `pipeline()` return)
 * defines its own `length` accessor, so each gets a hidden class of its own in the old
 * generation, which keeps the Pipeline, its commands and whatever awaits it (a turn's whole
 * async frame) alive through every young-generation collection until the next full one. Without
 * the Pipelines a busy server promoted 1.10 MB a scavenge instead of 1.45 (2000 turns/s,
 * BENCHMARKS.md, eighth session).
 */
export async function appendCapped(
  redis: Redis,
  key: string,
  lines: readonly string[],
  cap: number,
  ttlMs: number,
): Promise<void> {
  if (lines.length === 0) return;
  await appendCappedScript.call(redis, [key], [cap, ttlMs, ...lines]);
}
