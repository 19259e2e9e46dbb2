import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryNotifyStore } from '../../src/notify/memory-notify-store.js';
import { RedisNotifyStore } from '../../src/notify/redis-notify-store.js';
import { Scheduler, type TimerRecord, type TimerStore } from '../../src/notify/scheduler.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const logger = pino({ level: 'silent' });
const target = { conversationId: 'web:u1', channel: 'web' as const, userId: 'u1' };
const timer = (id: string, at: number): TimerRecord => ({ id, timerId: id, at, target });

let server: RedisServer;
const clients: Redis[] = [];
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server.stop();
});

function redisStore(): RedisNotifyStore {
  const client = new Redis(server.url);
  clients.push(client);
  return new RedisNotifyStore(client);
}

const kinds: [string, () => Promise<() => TimerStore>][] = [
  [
    'memory',
    async () => {
      const shared = new MemoryNotifyStore(() => 0);
      return () => shared;
    },
  ],
  [
    'redis',
    async () => {
      const admin = new Redis(server.url);
      clients.push(admin);
      await admin.flushall();
      return redisStore;
    },
  ],
];

describe.each(kinds)('scheduler on the %s store', (_name, makeFactory) => {
  function setup(storeOf: () => TimerStore, now: { t: number }) {
    const fired: string[] = [];
    let failNext = false;
    const scheduler = new Scheduler({
      store: storeOf(),
      clock: { now: () => now.t },
      logger,
      leaseMs: 1000,
      fire: async (t) => {
        if (failNext) {
          failNext = false;
          throw new Error('process died mid-fire');
        }
        fired.push(t.id);
      },
    });
    return { scheduler, fired, failOnce: () => (failNext = true) };
  }

  it('fires a timer when due, not before, and only once', async () => {
    const now = { t: 1000 };
    const { scheduler, fired } = setup(await makeFactory(), now);
    await scheduler.schedule(timer('a', 5000));
    expect(await scheduler.tick()).toBe(0);
    now.t = 5000;
    expect(await scheduler.tick()).toBe(1);
    now.t = 99_000;
    expect(await scheduler.tick()).toBe(0);
    expect(fired).toEqual(['a']);
  });

  it('a cancelled timer never fires', async () => {
    const now = { t: 0 };
    const { scheduler, fired } = setup(await makeFactory(), now);
    await scheduler.schedule(timer('b', 10));
    expect(await scheduler.cancel('b')).toBe(true);
    now.t = 100;
    await scheduler.tick();
    expect(fired).toEqual([]);
  });

  it('two schedulers on one store fire each of many timers exactly once', async () => {
    const now = { t: 0 };
    const factory = await makeFactory();
    const a = setup(factory, now);
    const b = setup(factory, now);
    for (let i = 0; i < 50; i++) await a.scheduler.schedule(timer(`t${i}`, i));
    now.t = 100;
    await Promise.all([a.scheduler.tick(), b.scheduler.tick(), a.scheduler.tick(), b.scheduler.tick()]);
    const all = [...a.fired, ...b.fired].sort();
    expect(all).toHaveLength(50);
    expect(new Set(all).size).toBe(50);
  });

  it('a timer whose fire failed (process died) fires again after its lease, then no more', async () => {
    const now = { t: 0 };
    const { scheduler, fired, failOnce } = setup(await makeFactory(), now);
    await scheduler.schedule(timer('c', 10));
    now.t = 10;
    failOnce();
    expect(await scheduler.tick()).toBe(0);
    now.t = 500;
    expect(await scheduler.tick()).toBe(0);
    now.t = 1011;
    expect(await scheduler.tick()).toBe(1);
    now.t = 5000;
    expect(await scheduler.tick()).toBe(0);
    expect(fired).toEqual(['c']);
  });

  it('re-scheduling a timer while it is being fired keeps the new one', async () => {
    const now = { t: 0 };
    const factory = await makeFactory();
    const store = factory();
    await store.schedule(timer('d', 10));
    const [claimed] = await store.claimDue(10, 10, 1000, 'tok');
    expect(claimed?.id).toBe('d');
    await store.schedule(timer('d', 2000));
    await store.ack('d', 'tok');
    expect((await store.get('d'))?.at).toBe(2000);
    expect(now.t).toBe(0);
  });
});
