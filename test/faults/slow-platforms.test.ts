import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { testKefu, uniqueUser } from '../support/kefu.js';
import { completion, fakeApi, type FakeApi } from './fault-kit.js';

// A model API that hangs for one conversation's words and answers the others at once.
const HANG = '蓝鲸';
const FAIL = '笑话';

let llm: FakeApi;
let kefu: Kefu;

beforeAll(async () => {
  llm = await fakeApi((_req, body, res) => {
    if (body.includes(HANG)) return; // never answers
    if (body.includes(FAIL)) return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{}}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(completion('hours'));
  });
  kefu = await testKefu({
    OPENAI_API_KEY: 'test',
    OPENAI_BASE_URL: `${llm.url}/v1`,
    OPENAI_TIMEOUT_MS: '1500',
  });
});

afterAll(async () => {
  await kefu.close();
  await llm.close();
});

const say = (userId: string, text: string) =>
  kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: { userId, text } });

describe('a slow or failing model API', () => {
  it('hangs one conversation only until the timeout, then answers offline; others are answered meanwhile', async () => {
    const finished: string[] = [];
    const slow = say(uniqueUser('slow'), '蓝鲸那个事情到底怎么样了呀').then((r) => (finished.push('slow'), r));
    // Wait until the slow conversation's call is in flight at the model.
    for (let i = 0; i < 200 && !llm.requests.some((r) => r.body.includes(HANG)); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(llm.requests.some((r) => r.body.includes(HANG))).toBe(true);
    const others = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        say(uniqueUser(`fast-${i}`), '请问那个事情怎么弄呢').then((r) => (finished.push('fast'), r)),
      ),
    );
    for (const r of others) expect(r.statusCode).toBe(200);
    expect(finished).not.toContain('slow'); // five other conversations answered while one waits
    const late = await slow;
    expect(late.statusCode).toBe(200);
    expect(late.json<{ replies: unknown[] }>().replies.length).toBeGreaterThan(0);
    expect(finished.at(-1)).toBe('slow');
  });

  it('a failing model answers from the offline understanding, not with an error', async () => {
    const res = await say(uniqueUser('fail'), '给我讲个笑话吧朋友');
    expect(res.statusCode).toBe(200);
    expect(res.json<{ replies: { text: string }[] }>().replies[0]?.text.length).toBeGreaterThan(0);
    expect(llm.requests.some((r) => r.body.includes(FAIL))).toBe(true);
  });

  it('never sends a whole ID number or phone number to the model', async () => {
    await say(uniqueUser('pii'), '帮我看看这个号码13812345678和身份证110105194912310025是谁的呢');
    const sent = llm.requests.map((r) => r.body).join('\n');
    expect(sent).toContain('138****5678');
    expect(sent).not.toContain('13812345678');
    expect(sent).not.toContain('110105194912310025');
  });
});

describe('a failing LINE API', () => {
  const SECRET = 'line-secret-slow';
  let line: FakeApi;
  let lineKefu: Kefu;
  let failing = true;
  beforeAll(async () => {
    line = await fakeApi((req, _body, res) => {
      if (req.url?.includes('/profile')) return void res.writeHead(404).end('{}');
      if (failing) return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"down"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    lineKefu = await testKefu({
      REDIS_URL: inject('redisUrl'),
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: 'token',
      LINE_API_BASE_URL: line.url,
    });
  });
  afterAll(async () => {
    await lineKefu.close();
    await line.close();
  });

  const webhook = (userId: string, eventId: string, text: string) => {
    const body = JSON.stringify({
      destination: 'bot',
      events: [
        {
          type: 'message',
          webhookEventId: eventId,
          timestamp: Date.now(),
          replyToken: `rt-${eventId}`,
          source: { type: 'user', userId },
          message: { type: 'text', id: eventId, text },
        },
      ],
    });
    return lineKefu.app.inject({
      method: 'POST',
      url: '/api/line/webhook',
      headers: {
        'content-type': 'application/json',
        'x-line-signature': createHmac('sha256', SECRET).update(body).digest('base64'),
      },
      payload: body,
    });
  };

  it('answers 5xx so LINE redelivers, and the redelivery gets the answer once, not silence', async () => {
    const userId = `U${uniqueUser('line').replace(/[^a-z0-9]/gi, '')}`;
    failing = true;
    const first = await webhook(userId, `ev-${userId}`, '你好');
    expect(first.statusCode).toBeGreaterThanOrEqual(500);
    const tried = line.requests.length;
    failing = false;
    const redelivered = await webhook(userId, `ev-${userId}`, '你好');
    expect(redelivered.statusCode).toBe(200);
    const delivered = line.requests.slice(tried).filter((r) => /message\/(reply|push)/.test(r.path));
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.map((r) => r.body).join('')).toContain('欢迎');
    // A third delivery of the same event, now answered, says nothing again.
    const before = line.requests.length;
    expect((await webhook(userId, `ev-${userId}`, '你好')).statusCode).toBe(200);
    expect(line.requests.slice(before).filter((r) => /message\/(reply|push)/.test(r.path))).toHaveLength(0);
  });
});
