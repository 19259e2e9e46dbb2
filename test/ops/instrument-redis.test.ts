import { expect, inject, it } from 'vitest';
import { createRedis, instrumentRedis } from '../../src/store/redis-client.js';
import { uniqueUser } from '../support/kefu.js';

it('times each Redis command once, failed ones as errors, including commands queued before the connection was up', async () => {
  const redis = createRedis(inject('redisUrl'));
  const seen: { command: string; seconds: number; ok: boolean }[] = [];
  instrumentRedis(redis, (command, seconds, ok) => seen.push({ command, seconds, ok }));
  const key = uniqueUser('instr');
  try {
    // Sent at once: queued offline, then sent again when the connection is ready.
    await redis.set(key, '1');
    await redis.call('NOSUCHCOMMAND').catch(() => {});
    expect(await redis.get(key)).toBe('1');
    const mine = seen.filter((s) => ['set', 'get', 'NOSUCHCOMMAND'].includes(s.command));
    expect(mine.map((s) => `${s.command}:${s.ok}`)).toEqual(['set:true', 'NOSUCHCOMMAND:false', 'get:true']);
    for (const s of mine) expect(s.seconds).toBeGreaterThanOrEqual(0);
  } finally {
    await redis.quit();
  }
});
