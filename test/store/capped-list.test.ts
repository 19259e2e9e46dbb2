import fc from 'fast-check';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { appendCapped } from '../../src/store/capped-list.js';
import { createRedis } from '../../src/store/redis-client.js';
import { uniqueUser } from '../support/kefu.js';

const redis = createRedis(inject('redisUrl'));
afterAll(() => redis.disconnect());

describe('appendCapped', () => {
  it('keeps the last `cap` lines of everything appended, in order, and renews the expiry', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.string({ maxLength: 8 }), { maxLength: 6 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 10 }),
        async (batches, cap) => {
          const key = `kefu:{${uniqueUser('capped')}}:transcript`;
          for (const batch of batches) await appendCapped(redis, key, batch, cap, 60_000);
          const all = batches.flat();
          expect(await redis.lrange(key, 0, -1)).toEqual(all.slice(-cap));
          const ttl = await redis.pttl(key);
          if (all.length > 0) expect(ttl).toBeGreaterThan(59_000);
          else expect(ttl).toBe(-2); // nothing appended, nothing made
        },
      ),
      { numRuns: 60 },
    );
  });
});
