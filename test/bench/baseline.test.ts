import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBaseline, type BaselineServer } from '../../bench/baseline/server.js';
import { ETagConflictError, RedisStorage } from '../../bench/baseline/redis-storage.js';
import { APPLICATION_SCENARIOS } from '../../bench/scenarios.js';

interface Reply {
  text: string;
  quickReplies?: string[];
}

let baseline: BaselineServer;
const prefix = `bft-${randomUUID()}:`;

beforeAll(async () => {
  baseline = await startBaseline({ redisUrl: inject('redisUrl'), prefix });
});
afterAll(async () => {
  await baseline.close();
});

async function say(userId: string, text: string, extra: Record<string, string> = {}) {
  const res = await fetch(`${baseline.url}/api/web/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, text, locale: 'zh-CN', ...extra }),
  });
  const body = (await res.json()) as { replies: Reply[] };
  return {
    status: res.status,
    turn: res.headers.get('x-kefu-turn'),
    replies: body.replies,
    text: body.replies.map((r) => r.text).join('\n'),
  };
}

describe('Bot Framework baseline over HTTP', () => {
  it('takes a zh-CN personal application to a YD ticket stored in Redis, turns numbered in order', async () => {
    const userId = `apply-${randomUUID()}`;
    const steps = APPLICATION_SCENARIOS[0]!.steps;
    let ticket = '';
    for (const [i, step] of steps.entries()) {
      const r = await say(userId, step.text, step.postback ? { postback: step.postback } : {});
      expect(r.status).toBe(200);
      expect(r.text).toMatch(step.expect);
      expect(r.turn).toBe(String(i + 1));
      ticket ||= /工单号：(YD\d{12})/.exec(r.text)?.[1] ?? '';
    }
    expect(ticket).toMatch(/^YD\d{12}$/);
    const stored = JSON.parse((await baseline.redis.get(`${prefix}ticket:${ticket}`)) ?? '{}') as {
      userId?: string;
      application?: { name?: string; idNumber?: string; phone?: string; city?: string };
    };
    expect(stored.userId).toBe(userId);
    expect(stored.application).toMatchObject({
      name: '张三',
      idNumber: '11010519491231002X',
      phone: '13812345678',
      city: '北京市',
    });
    // The draft is cleared from conversation state once the ticket exists.
    const state = await baseline.redis.get(`${prefix}web/conversations/${userId}/`);
    expect(state).not.toContain('11010519491231002X');
  });

  it('refuses an ID number whose check digit is wrong and asks for it again', async () => {
    const userId = `badid-${randomUUID()}`;
    await say(userId, '你好');
    await say(userId, '申请异地服务', { postback: 'intent:apply' });
    await say(userId, '个人');
    await say(userId, '李四');
    // 11010519491231002X with the last character changed: the GB 11643 check digit no longer fits.
    const bad = await say(userId, '110105194912310021');
    expect(bad.text).toMatch(/校验码不正确/);
    expect(bad.replies.at(-1)?.text).toMatch(/身份证号码（18 位）/);
    expect(bad.text).not.toMatch(/服务地址/);
    const good = await say(userId, '11010519491231002X');
    expect(good.text).toMatch(/服务地址/);
  });

  it('answers /healthz and refuses a body without userId', async () => {
    expect((await fetch(`${baseline.url}/healthz`)).status).toBe(200);
    const res = await fetch(`${baseline.url}/api/web/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(res.status).toBe(400);
  });
});

describe('RedisStorage (botbuilder Storage contract)', () => {
  it('reads several items in one call, refuses a stale eTag, accepts "*" and deletes', async () => {
    const redis = new Redis(inject('redisUrl'));
    try {
      const storage = new RedisStorage(redis, { prefix: `bfs-${randomUUID()}:` });
      await storage.write({ a: { n: 1 }, b: { n: 2 } });
      const first = await storage.read(['a', 'b', 'missing']);
      expect(first.a).toMatchObject({ n: 1 });
      expect(first.b).toMatchObject({ n: 2 });
      expect(first.missing).toBeUndefined();
      const eTag = first.a!.eTag as string;
      expect(eTag).toBeTruthy();

      // Writer 1 saves with the eTag it read: accepted, the eTag moves on.
      await storage.write({ a: { n: 10, eTag } });
      const second = await storage.read(['a']);
      expect(second.a).toMatchObject({ n: 10 });
      expect(second.a!.eTag).not.toBe(eTag);

      // Writer 2 still holds the first eTag: its write fails and changes nothing.
      await expect(storage.write({ a: { n: 99, eTag } })).rejects.toBeInstanceOf(ETagConflictError);
      // A batch with one stale item writes none of its items.
      await expect(storage.write({ b: { n: 20 }, a: { n: 98, eTag } })).rejects.toBeInstanceOf(ETagConflictError);
      const third = await storage.read(['a', 'b']);
      expect(third.a).toMatchObject({ n: 10 });
      expect(third.b).toMatchObject({ n: 2 });

      // "*" overwrites whatever is there.
      await storage.write({ a: { n: 7, eTag: '*' } });
      expect((await storage.read(['a'])).a).toMatchObject({ n: 7 });

      await storage.delete(['a', 'b']);
      expect(await storage.read(['a', 'b'])).toEqual({});
    } finally {
      redis.disconnect();
    }
  });
});
