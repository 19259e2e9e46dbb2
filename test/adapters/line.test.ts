import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { FakePlatform, freshId, kefuWith } from './fake-platform.js';

const SECRET = 'line-test-secret';
const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('base64');

interface PostedMessage {
  type: string;
  text: string;
  quickReply?: { items: { action: { type: string; label: string; data: string } }[] };
}
const messagesOf = (r: { json?: unknown }) => (r.json as { messages: PostedMessage[] }).messages;

const ID_NUMBER = '11010519491231002X';
/** A personal application complete in one message (the application flow's own tests use it too). */
const APPLICATION = `我要申请异地服务，个人，姓名张三，身份证${ID_NUMBER}，手机13812345678，地址北京市朝阳区建国路88号`;

describe('LINE adapter against a fake Messaging API', () => {
  const line = new FakePlatform();
  let kefu: Kefu;
  let seq = 0;

  const textEvent = (userId: string, text: string, extra: Record<string, unknown> = {}) => ({
    type: 'message',
    mode: 'active',
    timestamp: Date.now(),
    webhookEventId: `01H${freshId('E')}`,
    replyToken: `rt-${++seq}`,
    source: { type: 'user', userId },
    deliveryContext: { isRedelivery: false },
    message: { type: 'text', id: String(seq), quoteToken: 'q', text },
    ...extra,
  });

  const post = (events: unknown[], signature?: string) => {
    const payload = JSON.stringify({ destination: 'Ubot', events });
    return kefu.app.inject({
      method: 'POST',
      url: '/api/line/webhook',
      headers: {
        'content-type': 'application/json',
        ...(signature === undefined
          ? { 'x-line-signature': sign(payload) }
          : signature
            ? { 'x-line-signature': signature }
            : {}),
      },
      payload,
    });
  };

  beforeAll(async () => {
    await line.start();
    line.respond = (r) => {
      if (r.path.startsWith('/v2/bot/profile/')) {
        const userId = r.path.split('/').pop()!;
        return { json: { userId, displayName: 'Test', ...(userId.startsWith('Uen') ? { language: 'en' } : {}) } };
      }
      if (r.path === '/v2/bot/message/reply' && (r.json as { replyToken: string }).replyToken.startsWith('expired')) {
        return { status: 400, json: { message: 'Invalid reply token' } };
      }
      if (r.path === '/v2/bot/message/reply') return { json: { sentMessages: [] } };
      return undefined;
    };
    kefu = await kefuWith({
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: 'line-token',
      LINE_API_BASE_URL: line.url,
    });
  });
  afterAll(async () => {
    await kefu.close();
    await line.stop();
  });

  it('answers a greeting with the menu as quick replies, then a pressed button with its answer', async () => {
    const user = freshId('U');
    const before = line.at('/v2/bot/message/reply').length;
    expect((await post([textEvent(user, '你好')])).statusCode).toBe(200);
    const greeting = line.at('/v2/bot/message/reply')[before]!;
    expect(greeting.headers.authorization).toBe('Bearer line-token');
    const [welcome, menu] = messagesOf(greeting);
    expect(welcome!.text).toContain('欢迎');
    const items = menu!.quickReply!.items;
    expect(items.length).toBeGreaterThan(1);
    expect(items.length).toBeLessThanOrEqual(13);
    expect(items.every((i) => i.action.type === 'postback' && [...i.action.label].length <= 20)).toBe(true);
    const materials = items.find((i) => i.action.data === 'intent:materials')!;

    await post([
      {
        type: 'postback',
        mode: 'active',
        timestamp: Date.now(),
        webhookEventId: `01H${freshId('P')}`,
        replyToken: `rt-${++seq}`,
        source: { type: 'user', userId: user },
        deliveryContext: { isRedelivery: false },
        postback: { data: materials.action.data },
      },
    ]);
    const answer = line.at('/v2/bot/message/reply')[before + 1]!;
    expect(messagesOf(answer)[0]!.text).toContain('申请异地服务所需材料');
  });

  it('takes a conversation from greeting to a YD ticket, consent given with the postback button', async () => {
    const user = freshId('U');
    const replies = () => line.at('/v2/bot/message/reply');
    const before = replies().length;
    await post([textEvent(user, '你好')]);
    expect(messagesOf(replies()[before]!)[0]!.text).toContain('欢迎');

    await post([textEvent(user, APPLICATION)]);
    const summary = messagesOf(replies()[before + 1]!);
    const all = summary.map((m) => m.text).join('\n');
    expect(all).toContain('异地服务协议');
    expect(all).not.toContain(ID_NUMBER);
    const agree = summary
      .flatMap((m) => m.quickReply?.items ?? [])
      .find((i) => i.action.type === 'postback' && i.action.label === '同意并提交')!;
    expect(agree.action.data).toBe('consent:agree');

    await post([
      {
        type: 'postback',
        mode: 'active',
        timestamp: Date.now(),
        webhookEventId: `01H${freshId('P')}`,
        replyToken: `rt-${++seq}`,
        source: { type: 'user', userId: user },
        deliveryContext: { isRedelivery: false },
        postback: { data: agree.action.data },
      },
    ]);
    const created = messagesOf(replies()[before + 2]!)
      .map((m) => m.text)
      .join('\n');
    const number = /YD\d{12}/.exec(created)![0];
    const ticket = await kefu.tickets.get(number);
    expect(ticket).toMatchObject({ number, channel: 'line', userId: user });
    expect(ticket?.application).toMatchObject({ name: '张三', idNumber: ID_NUMBER, phone: '13812345678' });
    expect((await kefu.tickets.listByUser('line', user)).map((t) => t.number)).toEqual([number]);
  });

  it('refuses a forged or missing signature and processes nothing', async () => {
    const count = line.received.length;
    expect((await post([textEvent(freshId('U'), '你好')], sign('other body'))).statusCode).toBe(401);
    expect((await post([textEvent(freshId('U'), '你好')], sign('x', 'wrong-secret'))).statusCode).toBe(401);
    expect((await post([textEvent(freshId('U'), '你好')], '')).statusCode).toBe(401);
    expect(line.received.length).toBe(count);
  });

  it('accepts the console verification request (no events)', async () => {
    const res = await post([]);
    expect(res.statusCode).toBe(200);
  });

  it('answers a redelivered event once', async () => {
    const event = textEvent(freshId('U'), '营业时间');
    await post([event]);
    const replies = line.at('/v2/bot/message/reply').length;
    const pushes = line.at('/v2/bot/message/push').length;
    const again = await post([{ ...event, replyToken: `rt-${++seq}`, deliveryContext: { isRedelivery: true } }]);
    expect(again.statusCode).toBe(200);
    expect(line.at('/v2/bot/message/reply').length).toBe(replies);
    expect(line.at('/v2/bot/message/push').length).toBe(pushes);
  });

  it('pushes (with a retry key) when the reply token has expired', async () => {
    const user = freshId('U');
    await post([{ ...textEvent(user, '你好'), replyToken: 'expired-token' }]);
    const push = line.at('/v2/bot/message/push').findLast((r) => (r.json as { to: string }).to === user)!;
    expect(messagesOf(push)[0]!.text).toContain('欢迎');
    expect(push.headers['x-line-retry-key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('answers in the language of the LINE profile', async () => {
    const user = freshId('Uen');
    const before = line.at('/v2/bot/message/reply').length;
    await post([textEvent(user, '你好')]);
    expect(messagesOf(line.at('/v2/bot/message/reply')[before]!)[0]!.text).toMatch(/Welcome|Hello/i);
  });

  it('delivers a proactive message through the push API, once per event id', async () => {
    const user = freshId('U');
    await post([textEvent(user, '你好')]);
    const target = { conversationId: `line:${user}`, channel: 'line' as const, userId: user };
    const eventId = freshId('restart');
    await kefu.runtime.dispatch(target, { type: 'session.restarted', at: Date.now() }, eventId);
    await kefu.runtime.dispatch(target, { type: 'session.restarted', at: Date.now() }, eventId);
    const pushes = line.at('/v2/bot/message/push').filter((r) => (r.json as { to: string }).to === user);
    expect(pushes).toHaveLength(1);
    expect(messagesOf(pushes[0]!)[0]!.text).toContain('升级');
    expect(pushes[0]!.headers['x-line-retry-key']).toBeTruthy();
  });
});
