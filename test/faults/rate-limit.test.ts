import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { testKefu, uniqueUser } from '../support/kefu.js';

type Reply = { text: string };

describe('rate limits, kept in Redis across processes', () => {
  let a: Kefu;
  let b: Kefu;
  beforeAll(async () => {
    // Two instances on one Redis stand for two processes: the counters are shared.
    const env = {
      REDIS_URL: inject('redisUrl'),
      RATE_LIMIT_USER_PER_MINUTE: '5',
      RATE_LIMIT_IP_PER_MINUTE: '0',
      LINE_CHANNEL_SECRET: 'rl-secret',
      LINE_CHANNEL_ACCESS_TOKEN: 'rl-token',
      LINE_API_BASE_URL: 'http://127.0.0.1:9',
    };
    [a, b] = await Promise.all([testKefu(env), testKefu(env)]);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  const say = (k: Kefu, userId: string, text: string, locale?: string) =>
    k.app.inject({
      method: 'POST',
      url: '/api/web/messages',
      payload: { userId, text, ...(locale ? { locale } : {}) },
    });

  it('a user over the limit gets a polite refusal in their language, on whichever process; others are unaffected', async () => {
    const flooder = uniqueUser('flood');
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await say(i % 2 ? a : b, flooder, `你好 ${i}`));
    const refused = results.filter((r) => r.headers['x-kefu-error'] === 'KEFU_RATE_LIMITED');
    expect(results.length - refused.length).toBe(5);
    for (const r of refused) {
      expect(r.statusCode).toBe(200); // a person reads the web chat
      expect(r.json<{ replies: Reply[] }>().replies[0]?.text).toContain('过于频繁');
    }
    const english = await say(a, flooder, 'hello', 'en');
    expect(english.json<{ replies: Reply[] }>().replies[0]?.text).toMatch(/faster than we can read/);
    // Refused messages were never turns: the conversation has had exactly five.
    expect((await a.sessions.load(`web:${flooder}`))?.turns).toBe(5);
    const other = await say(b, uniqueUser('calm'), '你好');
    expect(other.headers['x-kefu-error']).toBeUndefined();
  });

  it('applies per user on webhooks too (LINE users share the platform address)', async () => {
    const user = `U${uniqueUser('linefl').replace(/[^a-z0-9]/gi, '')}`;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const body = JSON.stringify({
        destination: 'bot',
        events: [
          {
            type: 'message',
            webhookEventId: `${user}-${i}`,
            timestamp: 1,
            source: { type: 'user', userId: user },
            message: { type: 'text', id: `${i}`, text: '你好' },
          },
        ],
      });
      const res = await a.app.inject({
        method: 'POST',
        url: '/api/line/webhook',
        headers: {
          'content-type': 'application/json',
          'x-line-signature': createHmac('sha256', 'rl-secret').update(body).digest('base64'),
        },
        payload: body,
      });
      statuses.push(res.statusCode);
    }
    // LINE's API is unreachable here, so answered events fail to send (5xx, LINE would redeliver);
    // a refused event has nothing turned and its polite reply fails the same way: what matters is
    // that only five turns ran.
    expect(statuses).toHaveLength(7);
    expect((await a.sessions.load(`line:${user}`))?.turns).toBe(5);
  });
});

describe('rate limit per source address', () => {
  let k: Kefu;
  beforeAll(async () => {
    k = await testKefu({ RATE_LIMIT_IP_PER_MINUTE: '4', RATE_LIMIT_USER_PER_MINUTE: '0', ADMIN_TOKEN: 'ip-admin' });
  });
  afterAll(async () => k.close());

  it('machines get 429 with a coded error and Retry-After; the web chat gets a polite reply; health checks are never limited', async () => {
    const from = (remoteAddress: string, url: string) =>
      k.app.inject({ method: 'GET', url, remoteAddress, headers: { authorization: 'Bearer ip-admin' } });
    for (let i = 0; i < 4; i++) expect((await from('10.0.0.1', '/api/admin/tickets')).statusCode).toBe(200);
    const limited = await from('10.0.0.1', '/api/admin/tickets');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'KEFU_RATE_LIMITED' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const chat = await k.app.inject({
      method: 'POST',
      url: '/api/web/messages',
      remoteAddress: '10.0.0.1',
      payload: { userId: uniqueUser('ip'), text: '你好', locale: 'zh-TW' },
    });
    expect(chat.statusCode).toBe(200);
    expect(chat.headers['x-kefu-error']).toBe('KEFU_RATE_LIMITED');
    expect(chat.json<{ replies: Reply[] }>().replies[0]?.text).toContain('過於頻繁');
    expect((await from('10.0.0.1', '/healthz')).statusCode).toBe(200);
    expect((await from('10.0.0.2', '/api/admin/tickets')).statusCode).toBe(200); // another address
  });
});

describe('rate limits on a fresh Redis', () => {
  it('the first requests (scripts not loaded yet, batched with others) neither crash nor hang', async () => {
    const { startRedisServer } = await import('../support/redis-server.js');
    const server = await startRedisServer();
    const k = await testKefu({ REDIS_URL: server.url, AGENT_TOKENS: 'alice:tok-alice' });
    const results = await Promise.all([
      k.app.inject({ method: 'GET', url: '/api/agent/queue' }),
      k.app.inject({
        method: 'POST',
        url: '/api/web/messages',
        payload: { userId: uniqueUser('fresh'), text: '你好' },
      }),
      k.app.inject({ method: 'GET', url: '/api/agent/queue', headers: { authorization: 'Bearer tok-alice' } }),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([401, 200, 200]);
    await k.close();
    await server.stop();
  });
});
