import { Redis } from 'ioredis';
import { expect, inject, it } from 'vitest';
import { createRedis } from '../../src/store/redis-client.js';
import { uniqueUser } from '../support/kefu.js';

interface CountedSocket {
  _write: (...args: unknown[]) => unknown;
  _writev: (...args: unknown[]) => unknown;
  kefuWrites?: number;
}

/** Counts the writes the connection's current socket hands to the operating system. */
function countWrites(redis: Redis): () => number {
  const socket = (redis as unknown as { stream: CountedSocket }).stream;
  if (socket.kefuWrites === undefined) {
    socket.kefuWrites = 0;
    const write = socket._write.bind(socket);
    const writev = socket._writev.bind(socket);
    socket._write = (...args) => {
      socket.kefuWrites!++;
      return write(...args);
    };
    socket._writev = (...args) => {
      socket.kefuWrites!++;
      return writev(...args);
    };
  }
  const start = socket.kefuWrites;
  return () => socket.kefuWrites! - start;
}

const burst = (redis: Redis, key: string) => Promise.all(Array.from({ length: 100 }, () => redis.incr(key)));
const counting = (from: number) => Array.from({ length: 100 }, (_, i) => i + from);

it('sends the commands of one event-loop turn in one write, in order, and again after a reconnect', async () => {
  const redis = createRedis(inject('redisUrl'));
  const key = uniqueUser('coalesce');
  try {
    await redis.ping();
    let writes = countWrites(redis);
    expect(await burst(redis, key)).toEqual(counting(1));
    expect(writes()).toBe(1);

    // Commands awaited one by one still go out at once: no batch waits for company.
    writes = countWrites(redis);
    for (let i = 0; i < 5; i++) expect(await redis.incr(key)).toBe(101 + i);
    expect(writes()).toBe(5);

    // A new socket after a reconnect is corked and uncorked like the first.
    const reconnected = new Promise((resolve) => redis.once('ready', resolve));
    redis.disconnect(true);
    await reconnected;
    writes = countWrites(redis);
    expect(await burst(redis, key)).toEqual(counting(106));
    expect(writes()).toBe(1);
  } finally {
    await redis.del(key);
    await redis.quit();
  }
});

it('without it, a burst takes a write per command (what the test above would see if coalescing broke)', async () => {
  const plain = new Redis(inject('redisUrl'), { enableAutoPipelining: false });
  const key = uniqueUser('plain');
  try {
    await plain.ping();
    const writes = countWrites(plain);
    expect(await burst(plain, key)).toEqual(counting(1));
    expect(writes()).toBeGreaterThan(50);
  } finally {
    await plain.del(key);
    await plain.quit();
  }
});
