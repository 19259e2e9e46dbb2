import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { FakePlatform, freshId, kefuWith } from './fake-platform.js';

interface SentActivity {
  type: string;
  name?: string;
  text?: string;
  replyToId?: string;
  suggestedActions?: { actions: { type: string; title: string; value: string }[] };
}

const ID_NUMBER = '11010519491231002X';

describe('Bot Framework adapter against a fake connector service', () => {
  const connector = new FakePlatform();
  let kefu: Kefu;
  let secured: Kefu;

  const activity = (userId: string, text: string, extra: Record<string, unknown> = {}) => ({
    type: 'message',
    id: freshId('act'),
    timestamp: new Date().toISOString(),
    serviceUrl: connector.url,
    channelId: 'emulator',
    from: { id: userId, name: 'User' },
    conversation: { id: `conv-${userId}` },
    recipient: { id: 'kefu-bot', name: 'kefu' },
    text,
    locale: 'zh-CN',
    ...extra,
  });
  const post = (k: Kefu, body: unknown, headers: Record<string, string> = {}) =>
    k.app.inject({
      method: 'POST',
      url: '/api/messages',
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });
  const sentTo = (userId: string) =>
    connector.at(`/v3/conversations/conv-${userId}/activities`).map((r) => r.json as SentActivity);

  beforeAll(async () => {
    await connector.start();
    connector.respond = () => ({ json: { id: freshId('sent') } });
    kefu = await kefuWith({ BOTFRAMEWORK_EMULATOR: 'true' });
    secured = await kefuWith({
      MicrosoftAppId: '00000000-0000-0000-0000-00000000b0f7',
      MicrosoftAppPassword: 'app-password',
    });
  });
  afterAll(async () => {
    await kefu.close();
    await secured.close();
    await connector.stop();
  });

  it('replies through the connector: greeting with suggested actions, a pressed action answered', async () => {
    const user = freshId('u');
    const greeting = activity(user, '你好');
    expect((await post(kefu, greeting)).statusCode).toBe(200);
    const [welcome, menu] = sentTo(user);
    expect(welcome!.text).toContain('欢迎');
    expect(welcome!.replyToId).toBe(greeting.id);
    const actions = menu!.suggestedActions!.actions;
    expect(actions.length).toBeGreaterThan(1);
    const materials = actions.find((a) => a.title === '所需材料')!;
    expect(materials.type).toBe('imBack');

    await post(kefu, activity(user, materials.value));
    expect(sentTo(user)[2]!.text).toContain('申请异地服务所需材料');
  });

  it('takes a conversation from greeting to a YD ticket, type and consent given with suggested actions', async () => {
    const user = freshId('u');
    await post(kefu, activity(user, '你好'));
    expect(sentTo(user)[0]!.text).toContain('欢迎');

    let seen = sentTo(user).length;
    await post(kefu, activity(user, '我要申请异地服务'));
    const personal = sentTo(user)
      .slice(seen)
      .flatMap((a) => a.suggestedActions?.actions ?? [])
      .find((a) => a.title === '个人用户')!;
    expect(personal.type).toBe('imBack');

    seen = sentTo(user).length;
    await post(kefu, activity(user, personal.value));
    await post(kefu, activity(user, `张三，身份证${ID_NUMBER}，手机13812345678，地址北京市朝阳区建国路88号`));
    const summary = sentTo(user).slice(seen);
    expect(summary.map((a) => a.text ?? '').join('\n')).toContain('异地服务协议');
    expect(summary.map((a) => a.text ?? '').join('\n')).not.toContain(ID_NUMBER);
    const agree = summary.flatMap((a) => a.suggestedActions?.actions ?? []).find((a) => a.title === '同意并提交')!;
    expect(agree.type).toBe('imBack');

    seen = sentTo(user).length;
    await post(kefu, activity(user, agree.value));
    const created = sentTo(user)
      .slice(seen)
      .map((a) => a.text ?? '')
      .join('\n');
    const number = /YD\d{12}/.exec(created)![0];
    const ticket = await kefu.tickets.get(number);
    expect(ticket).toMatchObject({ number, channel: 'botframework', userId: `emulator:${user}` });
    expect(ticket?.application).toMatchObject({ userType: 'personal', name: '张三', idNumber: ID_NUMBER });
    expect((await kefu.tickets.listByUser('botframework', `emulator:${user}`)).map((t) => t.number)).toEqual([number]);
  });

  it('shows a numbered menu where the channel shows fewer buttons (Teams: 3)', async () => {
    const user = freshId('u');
    await post(kefu, activity(user, '你好', { channelId: 'msteams' }));
    const menu = sentTo(user)[1]!;
    expect(menu.suggestedActions).toBeUndefined();
    expect(menu.text).toContain('回复 1 申请异地服务');
  });

  it('answers in the locale of the activity', async () => {
    const user = freshId('u');
    await post(kefu, activity(user, 'hello', { locale: 'en-US' }));
    expect(sentTo(user)[0]!.text).toMatch(/Welcome|Hello/i);
  });

  it('refuses requests without a valid token when credentials are configured', async () => {
    const user = freshId('u');
    expect((await post(secured, activity(user, '你好'))).statusCode).toBe(401);
    expect(
      (await post(secured, activity(user, '你好'), { authorization: 'Bearer forged.token.value' })).statusCode,
    ).toBe(401);
    expect(sentTo(user)).toHaveLength(0);
    expect(await secured.sessions.load(`botframework:emulator:${user}`)).toBeUndefined();
  });

  it('answers a redelivered activity once', async () => {
    const user = freshId('u');
    const a = activity(user, '营业时间');
    await post(kefu, a);
    const count = sentTo(user).length;
    expect(count).toBeGreaterThan(0);
    expect((await post(kefu, a)).statusCode).toBe(200);
    expect(sentTo(user)).toHaveLength(count);
  });

  it('delivers proactive messages and the handoff event through the stored conversation reference', async () => {
    const user = freshId('u');
    await post(kefu, activity(user, '你好'));
    const before = sentTo(user).length;
    const target = {
      conversationId: `botframework:emulator:${user}`,
      channel: 'botframework' as const,
      userId: `emulator:${user}`,
    };
    await kefu.runtime.dispatch(target, { type: 'session.restarted', at: Date.now() }, freshId('ev'));
    const pushed = sentTo(user).slice(before);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.text).toContain('升级');

    await kefu.channels.get('botframework')!.notifyHandoff!({ ...target, reason: 'user_request' });
    const event = sentTo(user).at(-1)!;
    expect(event.type).toBe('event');
    expect(event.name).toBe('handoff.initiate');
  });
});
