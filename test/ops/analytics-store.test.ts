import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  MemoryAnalyticsStore,
  RedisAnalyticsStore,
  analyticsDay,
  daysBetween,
  type AnalyticsStore,
} from '../../src/store/analytics-store.js';
import { BufferedAnalyticsStore } from '../../src/store/buffered-analytics.js';
import { uniqueUser } from '../support/kefu.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 25, 2, 0, 0); // 2026-11-25 10:00 CST

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const stores: [string, () => AnalyticsStore][] = [
  ['memory', () => new MemoryAnalyticsStore({ misunderstoodPerDay: 3 })],
  ['redis', () => new RedisAnalyticsStore(redis, { namespace: uniqueUser('an'), misunderstoodPerDay: 3 })],
  [
    'buffered redis',
    () =>
      new BufferedAnalyticsStore(
        new RedisAnalyticsStore(redis, { namespace: uniqueUser('an'), misunderstoodPerDay: 3 }),
        { flushMs: 60_000 },
      ),
  ],
];

describe('analytics days', () => {
  it('names days in China Standard Time', () => {
    expect(analyticsDay(Date.UTC(2026, 10, 24, 16, 0, 0))).toBe('2026-11-25');
    expect(analyticsDay(Date.UTC(2026, 10, 24, 15, 59, 59))).toBe('2026-11-24');
  });
  it('lists the days of a range inclusively, none when reversed', () => {
    expect(daysBetween('2026-11-29', '2026-12-02')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(daysBetween('2026-12-02', '2026-11-29')).toEqual([]);
    expect(daysBetween('2020-01-01', '2026-01-01')).toHaveLength(400);
  });
});

describe.each(stores)('%s analytics store', (_name, make) => {
  it('sums counters over the days of the range only', async () => {
    const s = make();
    await s.increment(T0, { turns: 2, conversations: 1 });
    await s.increment(T0 + DAY, { turns: 3 });
    await s.increment(T0 + 5 * DAY, { turns: 100 });
    const r = await s.read(analyticsDay(T0), analyticsDay(T0 + DAY));
    expect(r.counters).toEqual({ turns: 5, conversations: 1 });
  });

  it('keeps one score per survey, the last one', async () => {
    const s = make();
    await s.survey(T0, 'sv1', 2);
    await s.survey(T0, 'sv1', 4);
    await s.survey(T0 + DAY, 'sv2', 5);
    const r = await s.read(analyticsDay(T0), analyticsDay(T0 + DAY));
    expect(r.scores.sort()).toEqual([4, 5]);
  });

  it('ranks misunderstood messages and keeps only the most frequent of a day', async () => {
    const s = make();
    for (const [text, n] of [
      ['a', 3],
      ['b', 2],
      ['c', 4],
      ['d', 1],
      ['e', 1],
    ] as const) {
      for (let i = 0; i < n; i++) await s.misunderstood(T0, text);
    }
    const r = await s.read(analyticsDay(T0), analyticsDay(T0));
    expect(r.misunderstood.slice(0, 3)).toEqual([
      { text: 'c', count: 4 },
      { text: 'a', count: 3 },
      { text: 'b', count: 2 },
    ]);
    expect(r.misunderstood.length).toBeLessThanOrEqual(6);
  });

  it('remembers when a conversation started waiting, once', async () => {
    const s = make();
    const conv = uniqueUser('web:');
    await s.waitStarted(conv, T0);
    expect(await s.waitEnded(conv)).toBe(T0);
    expect(await s.waitEnded(conv)).toBeUndefined();
  });
});

it('the memory store forgets days past the retention', async () => {
  const s = new MemoryAnalyticsStore({ retentionDays: 10 });
  await s.increment(T0, { turns: 1 });
  await s.increment(T0 + 20 * DAY, { turns: 1 });
  expect((await s.read(analyticsDay(T0), analyticsDay(T0))).counters).toEqual({});
});

it('the redis store sets an expiry on what it writes', async () => {
  const ns = uniqueUser('an');
  const s = new RedisAnalyticsStore(redis, { namespace: ns, retentionDays: 2 });
  await s.increment(T0, { turns: 1 });
  const ttl = await redis.pttl(`${ns}:{analytics}:c:${analyticsDay(T0)}`);
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(3 * DAY);
});

describe('buffered analytics', () => {
  const counterKey = (ns: string) => `${ns}:{analytics}:c:${analyticsDay(T0)}`;

  it('writes the sums of many turns in one flush, not one transaction per turn', async () => {
    const ns = uniqueUser('an');
    const s = new BufferedAnalyticsStore(new RedisAnalyticsStore(redis, { namespace: ns }), { flushMs: 60_000 });
    for (let i = 0; i < 50; i++) await s.increment(T0, { turns: 1, 'intent.apply': i % 2 });
    for (let i = 0; i < 4; i++) await s.misunderstood(T0, 'zzz');
    expect(await redis.exists(counterKey(ns))).toBe(0);
    await s.close();
    expect(await redis.hgetall(counterKey(ns))).toEqual({ turns: '50', 'intent.apply': '25' });
    expect(await redis.zscore(`${ns}:{analytics}:m:${analyticsDay(T0)}`, 'zzz')).toBe('4');
  });

  it('flushes by itself on its timer', async () => {
    const ns = uniqueUser('an');
    const s = new BufferedAnalyticsStore(new RedisAnalyticsStore(redis, { namespace: ns }), { flushMs: 20 });
    await s.increment(T0, { turns: 3 });
    await expect.poll(() => redis.hget(counterKey(ns), 'turns'), { timeout: 2000 }).toBe('3');
    await s.close();
  });

  it('keeps the sums of a failed flush and writes them with the next one', async () => {
    const memory = new MemoryAnalyticsStore();
    let failing = true;
    const flaky: AnalyticsStore = Object.assign(Object.create(memory) as AnalyticsStore, {
      increment: (at: number, c: Record<string, number>) =>
        failing ? Promise.reject(new Error('down')) : memory.increment(at, c),
      misunderstood: (at: number, t: string, n?: number) =>
        failing ? Promise.reject(new Error('down')) : memory.misunderstood(at, t, n),
    });
    const s = new BufferedAnalyticsStore(flaky, { flushMs: 60_000 });
    await s.increment(T0, { turns: 2 });
    await s.misunderstood(T0, 'huh');
    await expect(s.flush()).rejects.toThrow('down');
    await s.increment(T0, { turns: 1 });
    failing = false;
    const r = await s.read(analyticsDay(T0), analyticsDay(T0));
    expect(r.counters).toEqual({ turns: 3 });
    expect(r.misunderstood).toEqual([{ text: 'huh', count: 1 }]);
    await s.close();
  });
});
