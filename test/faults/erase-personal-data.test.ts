import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { isEraseRequest } from '../../src/nlu/erase-request.js';
import { testKefu, uniqueUser } from '../support/kefu.js';

const ID = '11010519491231002X';
const PHONE = '13812345678';
const APPLY = [`我要申请异地服务，个人，身份证${ID}，手机${PHONE}，地址北京市朝阳区建国路88号`, '张三', '同意'];

type Reply = { text: string };

describe('"删除我的信息": erasure on request (PIPL)', () => {
  let kefu: Kefu;
  beforeAll(async () => {
    kefu = await testKefu({ REDIS_URL: inject('redisUrl'), AGENT_TOKENS: 'alice:alice-token,bob:bob-token' });
  });
  afterAll(async () => kefu.close());

  const say = async (userId: string, text: string, locale = 'zh-CN'): Promise<Reply[]> => {
    const res = await kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: { userId, text, locale } });
    expect(res.statusCode, text).toBe(200);
    return res.json<{ replies: Reply[] }>().replies;
  };
  /** Everything Redis holds under the conversation's hash tag, as one string. */
  const stored = async (conversationId: string) => {
    const redis = kefu.redis!;
    const found = await redis.keys(`kefu:{${conversationId}}:*`);
    let all = '';
    for (const key of found) {
      const type = await redis.type(key);
      if (type === 'string') all += await redis.get(key);
      if (type === 'list') all += (await redis.lrange(key, 0, -1)).join('');
      if (type === 'hash') all += JSON.stringify(await redis.hgetall(key));
    }
    return all;
  };

  it('asks first, then erases messages, transcripts, session memory and closed tickets personal fields', async () => {
    const userId = uniqueUser('erase');
    const conversationId = `web:${userId}`;
    const applied: Reply[] = [];
    for (const line of APPLY) applied.push(...(await say(userId, line)));
    const number = /YD\d{12}/.exec(applied.map((r) => r.text).join('\n'))?.[0];
    expect(number).toMatch(/^YD\d{12}$/);
    await kefu.tickets.transition(number!, 'under_review', 'admin:test', Date.now());
    await kefu.tickets.transition(number!, 'rejected', 'admin:test', Date.now(), `资料不符，联系电话${PHONE}`);
    // A second, still open ticket: a complaint with a phone number.
    await say(userId, '上个月话费多扣了50元');
    const open = /FK\d{12}/.exec((await say(userId, PHONE)).map((r) => r.text).join('\n'))?.[0];
    expect(open).toMatch(/^FK\d{12}$/);
    expect(await stored(conversationId)).toContain(ID.slice(0, 6)); // the session draft held it

    const ask = await say(userId, '删除我的信息');
    expect(ask.map((r) => r.text).join('')).toContain('确认删除');
    const done = await say(userId, '是');
    expect(done[0]?.text).toContain('已删除');

    const closed = await kefu.tickets.get(number!);
    expect(closed?.application).toMatchObject({ name: '', idNumber: '', phone: '', address: { detail: '' } });
    expect(closed?.application?.address.province).toBeTruthy(); // statistics keep the region
    expect(JSON.stringify(closed)).not.toContain(PHONE);
    expect((await kefu.tickets.get(open!))?.feedback?.phone).toBe(PHONE); // open: still needed
    const left = await stored(conversationId);
    for (const secret of [ID, PHONE, ID.slice(0, 6) + ID.slice(14), '张三', '建国路'])
      expect(left).not.toContain(secret);
    const outbox = await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${userId}` });
    expect(
      outbox
        .json<{ messages: Reply[] }>()
        .messages.map((m) => m.text)
        .join(''),
    ).not.toContain('建国路');
    // The conversation goes on normally afterwards.
    expect((await say(userId, '你好'))[0]?.text).toContain('欢迎');
  });

  it('an agent sees personal data masked, and unmasks one field only while holding the conversation, audited', async () => {
    const userId = uniqueUser('reveal');
    const id = encodeURIComponent(`web:${userId}`);
    for (const line of APPLY) await say(userId, line);
    await say(userId, '转人工');
    const agent = (token: string, method: 'GET' | 'POST', path: string, payload?: object) =>
      kefu.app.inject({
        method,
        url: `/api/agent/conversations/${id}${path}`,
        headers: { authorization: `Bearer ${token}` },
        ...(payload ? { payload } : {}),
      });

    const view = await agent('alice-token', 'GET', '');
    expect(view.statusCode).toBe(200);
    expect(view.body).not.toContain(ID);
    expect(view.body).not.toContain(PHONE);
    // Queued but not held: no reveal.
    expect((await agent('alice-token', 'POST', '/reveal', { field: 'idNumber' })).statusCode).toBe(403);
    expect((await agent('bob-token', 'POST', '/claim')).statusCode).toBe(200);
    expect((await agent('alice-token', 'POST', '/reveal', { field: 'idNumber' })).statusCode).toBe(403);
    expect((await agent('bob-token', 'POST', '/reveal', { field: 'password' })).statusCode).toBe(400);
    const revealed = await agent('bob-token', 'POST', '/reveal', { field: 'idNumber' });
    expect(revealed.statusCode).toBe(200);
    expect(revealed.json()).toMatchObject({ field: 'idNumber', value: ID });
    const audit = (await kefu.redis!.lrange('kefu:audit:reveal', 0, 50)).map(
      (r) => JSON.parse(r) as Record<string, unknown>,
    );
    const mine = audit.filter((r) => r.conversationId === `web:${userId}`);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ agent: 'bob', field: 'idNumber' });
    expect(JSON.stringify(audit)).not.toContain(ID); // the audit says what was seen, not the value
    expect(
      (
        await kefu.app.inject({
          method: 'POST',
          url: `/api/agent/conversations/${id}/reveal`,
          payload: { field: 'phone' },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('"no" (or anything else twice) keeps everything; English works too', async () => {
    const userId = uniqueUser('keep');
    await say(userId, 'hello', 'en');
    const ask = await say(userId, 'delete my data', 'en');
    expect(ask[0]?.text).toMatch(/erase your personal data/);
    expect((await say(userId, 'what?', 'en'))[0]?.text).toMatch(/reply "yes"/i);
    const kept = await say(userId, 'no', 'en');
    expect(kept[0]?.text).toMatch(/nothing has been erased/i);
    const outbox = await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${userId}` });
    expect(outbox.json<{ messages: Reply[] }>().messages.length).toBeGreaterThan(3);
  });
});

describe('isEraseRequest', () => {
  it.each([
    '删除我的信息',
    '请删除我的个人信息',
    '帮我删除我的数据。',
    '刪除我的資料',
    '請刪除我的個人資料',
    'delete my data',
    'Please erase my personal information',
    'forget me',
  ])('hears %s', (text) => expect(isEraseRequest(text)).toBe(true));
  it.each([
    '怎么删除我的信息才能重新申请异地服务呢',
    '我的信息',
    '删除',
    'how do I delete my data from the app and apply again',
    '你好',
  ])('does not hear %s', (text) => expect(isEraseRequest(text)).toBe(false));
});

describe('transcript retention (TRANSCRIPT_RETENTION_DAYS)', () => {
  it('clamps the lifetime of every stored transcript and outbox to the retention, and leaves other keys alone', async () => {
    const { startRedisServer } = await import('../support/redis-server.js');
    const { createRedis } = await import('../../src/store/redis-client.js');
    const { clampTranscripts } = await import('../../src/runtime/retention.js');
    // A private Redis: clamping the shared one would expire other tests' data.
    const server = await startRedisServer();
    const redis = createRedis(server.url);
    await redis.set('kefu:{web:a}:outbox', 'x', 'PX', 7 * 86_400_000);
    await redis.rpush('kefu:{line:b}:transcript', 'y');
    await redis.set('kefu:{web:a}:session', 'z', 'PX', 7 * 86_400_000);
    const retention = 86_400_000;
    expect(await clampTranscripts(redis, retention)).toBe(2);
    expect(await redis.pttl('kefu:{web:a}:outbox')).toBeLessThanOrEqual(retention);
    expect(await redis.pttl('kefu:{line:b}:transcript')).toBeLessThanOrEqual(retention);
    expect(await redis.pttl('kefu:{web:a}:session')).toBeGreaterThan(retention);
    expect(await clampTranscripts(redis, retention)).toBe(0);
    redis.disconnect();
    await server.stop();
  });
});
