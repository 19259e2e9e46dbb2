import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { SessionRecord } from '../../src/core/ports.js';
import { RedisSessionStore } from '../../src/store/redis-session-store.js';
import { uniqueUser } from '../support/kefu.js';

const record: SessionRecord = { machineVersion: 1, snapshot: {}, locale: 'zh-CN', turns: 1, updatedAt: 0 };

/** Dedupe in the conversation's lane: the latest replies, older ids acknowledged. */
describe('Redis dedupe window', () => {
  const redis = new Redis(inject('redisUrl'));
  afterAll(() => redis.quit());
  const store = new RedisSessionStore(redis, { seenLimit: 2 });

  let now = Date.UTC(2026, 10, 25);
  const turn = async (conv: string, id: string, text: string) => {
    const start = await store.beginTurn(conv, id);
    if (start.kind !== 'ready') return start;
    await store.commitTurn(start.turn, { ...record, updatedAt: ++now }, [{ key: 'k', text }], 60_000);
    return start;
  };

  it('answers the latest message again, an older one with nothing, and forgets past the window', async () => {
    const conv = `web:${uniqueUser('dedupe')}`;
    // Ids in reverse alphabetical order: the window follows time, not names.
    await turn(conv, 'web:z', 'A');
    await turn(conv, 'web:b', 'B');
    expect(await store.beginTurn(conv, 'web:b')).toEqual({ kind: 'duplicate', replies: [{ key: 'k', text: 'B' }] });
    expect(await store.beginTurn(conv, 'web:z')).toEqual({ kind: 'duplicate', replies: [] });
    await turn(conv, 'web:c', 'C');
    // Window of 2: `z` fell out and is processed again; `b` is still known.
    expect(await store.beginTurn(conv, 'web:b')).toEqual({ kind: 'duplicate', replies: [] });
    const again = await store.beginTurn(conv, 'web:z');
    expect(again.kind).toBe('ready');
    if (again.kind === 'ready') await store.abortTurn(again.turn);
    const ids = (await redis.get(`kefu:{${conv}}:lane`))!.split('\n')[1]!;
    expect(ids).toHaveLength(2 * 12);
  });
});
