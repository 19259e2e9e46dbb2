import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/store/redis-client.js';
import { LeanScript } from '../../src/store/lean-script.js';
import { uniqueUser } from '../support/kefu.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

// Echoes what it was given, and appends ARGV[1] to a list: order and exact bytes can be checked.
const ECHO = `
redis.call('RPUSH', KEYS[1], ARGV[1])
return {KEYS[1], KEYS[2], unpack(ARGV)}
`;

// A server of its own: the test flushes its scripts and counts its commands.
describe('LeanScript', () => {
  let server: RedisServer;
  let redis: Redis;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = createRedis(server.url);
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    admin.disconnect();
    await server.stop();
  });

  /** How many EVAL and EVALSHA the server has run (INFO commandstats). */
  const calls = async () => {
    const info = await admin.info('commandstats');
    const count = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
    return { eval: count('eval'), evalsha: count('evalsha') };
  };

  it('passes keys and arguments through exactly, multi-byte text and numbers included', async () => {
    const script = new LeanScript(ECHO, 2);
    const list = uniqueUser('lean-list');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.integer()), { minLength: 1 }),
        async (args) => {
          const reply = await script.call<string[]>(redis, [list, '键{二}'], args);
          expect(reply).toEqual([list, '键{二}', ...args.map(String)]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sends a large multi-byte argument whole, as EVAL the first time and as EVALSHA after', async () => {
    const script = new LeanScript(`${ECHO}-- ${uniqueUser('large')}`, 2);
    const list = uniqueUser('lean-large');
    // Larger than a socket read, with characters of one to four bytes in UTF-8: lengths count bytes.
    const large = 'a申请é😀'.repeat(20_000);
    const before = await calls();
    const first = await script.call<string[]>(redis, [list, 'x'], [large, 7, '']);
    const again = await script.call<string[]>(redis, [list, 'x'], [large, 7, '']);
    const after = await calls();
    expect(first).toEqual([list, 'x', large, '7', '']);
    expect(again).toEqual(first);
    expect([after.eval - before.eval, after.evalsha - before.evalsha]).toEqual([1, 1]);
  });

  it('sends the source once per connection, then the SHA, and keeps the order of calls', async () => {
    const script = new LeanScript(`${ECHO}-- ${uniqueUser('fresh')}`, 2);
    const list = uniqueUser('lean-order');
    const before = await calls();
    const sent = Array.from({ length: 50 }, (_, i) => script.call(redis, [list, 'x'], [i]));
    await Promise.all(sent);
    const after = await calls();
    expect(after.eval - before.eval).toBe(1);
    expect(after.evalsha - before.evalsha).toBe(49);
    expect(await admin.lrange(list, 0, -1)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });

  it('recovers when the server forgets its scripts (SCRIPT FLUSH), losing no call', async () => {
    const script = new LeanScript(`${ECHO}-- ${uniqueUser('flush')}`, 2);
    const list = uniqueUser('lean-flush');
    await script.call(redis, [list, 'x'], ['before']);
    await admin.script('FLUSH');
    const replies = await Promise.all([1, 2, 3].map((n) => script.call<string[]>(redis, [list, 'x'], [n])));
    expect(replies.map((r) => r[2])).toEqual(['1', '2', '3']);
    expect((await admin.lrange(list, 0, -1)).sort()).toEqual(['1', '2', '3', 'before']);
  });

  it('rejects with the server error of a failing script, and refuses a wrong number of keys', async () => {
    const script = new LeanScript(`return redis.error_reply('KEFU_TEST boom')`, 1);
    await expect(script.call(redis, ['k'], [])).rejects.toThrow('KEFU_TEST boom');
    expect(() => script.call(redis, ['a', 'b'], [])).toThrow('script takes 1 keys');
  });
});
