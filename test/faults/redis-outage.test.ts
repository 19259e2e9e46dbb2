import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { postWeb, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { testKefu, uniqueUser } from '../support/kefu.js';
import { createRedis } from '../../src/store/redis-client.js';
import { RedisTicketStore } from '../../src/store/redis-ticket-store.js';
import { eventually, hardKill } from './fault-kit.js';

// Redis with AOF (appendfsync always, as the test support starts it) in a directory this file
// owns, so a SIGKILLed server can be started again on the same port with the same data.
const dir = mkdtempSync(join(tmpdir(), 'kefu-faults-aof-'));
let redis: RedisServer;
let server: ServerProcess;

const ready = async () => (await fetch(`${server.url}/readyz`)).status;

beforeAll(async () => {
  redis = await startRedisServer({ appendonly: true, dir });
  server = await startServerProcess({ REDIS_URL: redis.url, LOG_LEVEL: 'warn' });
}, 60_000);

afterAll(async () => {
  await server.stop();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Redis stops in the middle of conversations', () => {
  it('answers "system busy" in the user language, goes unready, and resumes with sessions and tickets intact', async () => {
    const zh = uniqueUser('outage-zh');
    const en = uniqueUser('outage-en');
    expect((await postWeb(server.url, { userId: zh, text: '你好', messageId: 'm1' })).turn).toBe(1);
    expect((await postWeb(server.url, { userId: en, text: 'hello', locale: 'en', messageId: 'm1' })).turn).toBe(1);
    const client = createRedis(redis.url);
    const tickets = new RedisTicketStore(client);
    const ticket = await tickets.create(
      {
        kind: 'feedback',
        channel: 'web',
        conversationId: `web:${zh}`,
        userId: zh,
        locale: 'zh-CN',
        feedback: {
          type: 'complaint',
          category: 'network',
          urgency: 'routine',
          description: '网络很慢',
          department: 'network',
          explanation: [],
        },
      },
      Date.now(),
      `outage-${zh}`,
    );
    client.disconnect();
    expect(await ready()).toBe(200);

    await hardKill(redis.process);

    // Every request is answered (no hang, no crash): 200 with the busy reply for people,
    // the coded error in a header for programs; readiness goes red.
    const busyZh = await postWeb(server.url, { userId: zh, text: '需要什么材料', messageId: 'm2' });
    const busyEn = await postWeb(server.url, {
      userId: en,
      text: 'what documents do I need',
      locale: 'en',
      messageId: 'm2',
    });
    expect(busyZh.status).toBe(200);
    expect(busyZh.body.replies[0]?.text).toContain('系统繁忙');
    expect(busyEn.body.replies[0]?.text).toMatch(/busy/i);
    const raw = await fetch(`${server.url}/api/web/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: zh, text: '你好', messageId: 'm2' }),
    });
    expect(raw.headers.get('x-kefu-error')).toBe('KEFU_STORE_UNAVAILABLE');
    expect(await ready()).toBe(503);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();

    // Redis comes back on the same port with its append-only file.
    redis = await startRedisServer({ appendonly: true, dir, port: redis.port });
    await eventually(async () => (await ready()) === 200);

    // The message that got "busy" is sent again with the same id and runs now, once, as turn 2:
    // the session written before the outage survived.
    const resent = await postWeb(server.url, { userId: zh, text: '需要什么材料', messageId: 'm2' });
    expect(resent.duplicate).toBe(false);
    expect(resent.turn).toBe(2);
    expect(resent.body.replies[0]?.text).not.toContain('系统繁忙');
    const again = await postWeb(server.url, { userId: zh, text: '需要什么材料', messageId: 'm2' });
    expect(again.duplicate).toBe(true);
    expect((await postWeb(server.url, { userId: en, text: 'help', locale: 'en', messageId: 'm3' })).turn).toBe(2);

    const after = createRedis(redis.url);
    expect((await new RedisTicketStore(after).get(ticket.number))?.number).toBe(ticket.number);
    after.disconnect();
  });

  it('answers "busy" in process too, and 503 with a code to a webhook platform', async () => {
    const dead = await startRedisServer();
    const kefu = await testKefu({
      REDIS_URL: dead.url,
      LINE_CHANNEL_SECRET: 'outage-secret',
      LINE_CHANNEL_ACCESS_TOKEN: 'outage-token',
      LINE_API_BASE_URL: 'http://127.0.0.1:9',
    });
    await hardKill(dead.process);
    const res = await kefu.app.inject({
      method: 'POST',
      url: '/api/web/messages',
      payload: { userId: uniqueUser('nostore'), text: '你好', locale: 'zh-TW' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ replies: { text: string }[] }>().replies[0]?.text).toContain('系統繁忙');
    expect(res.headers['x-kefu-error']).toBe('KEFU_STORE_UNAVAILABLE');
    expect((await kefu.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    // A platform is a machine that redelivers: it gets the status, and the same event later runs once.
    const body = JSON.stringify({
      destination: 'bot',
      events: [
        {
          type: 'message',
          webhookEventId: 'ev-outage',
          timestamp: 1,
          source: { type: 'user', userId: 'Uoutage' },
          message: { type: 'text', id: '1', text: '你好' },
        },
      ],
    });
    const webhook = await kefu.app.inject({
      method: 'POST',
      url: '/api/line/webhook',
      headers: {
        'content-type': 'application/json',
        'x-line-signature': createHmac('sha256', 'outage-secret').update(body).digest('base64'),
      },
      payload: body,
    });
    expect(webhook.statusCode).toBe(503);
    expect(webhook.json<{ error: { code: string } }>().error.code).toBe('KEFU_STORE_UNAVAILABLE');
    await kefu.close();
    rmSync(dead.dir, { recursive: true, force: true });
  });
});
