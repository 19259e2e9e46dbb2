import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createKefu, type Kefu } from '../../src/main.js';
import type { AgentEvent } from '../../src/handoff/events.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

// The agent queue is global, so this file has its own redis-server: positions stay predictable.
let server: RedisServer;
let kefu: Kefu;
let now = Date.parse('2026-01-15T10:00:00+08:00');
const clock = { now: () => now };
let n = 0;
const newUser = () => `api${++n}${Math.random().toString(36).slice(2, 7)}`;
const conv = (userId: string) => encodeURIComponent(`web:${userId}`);

beforeAll(async () => {
  server = await startRedisServer();
  kefu = await createKefu(
    loadConfig(
      { REDIS_URL: server.url, AGENT_TOKENS: 'alice:tok-alice,bob:tok-bob', LOG_LEVEL: 'silent' },
      '/nonexistent',
    ),
    { clock },
  );
});
afterAll(async () => {
  await kefu?.close();
  await server?.stop();
});

const say = async (userId: string, text: string) => {
  const res = await kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: { userId, text } });
  expect(res.statusCode).toBe(200);
  return (res.json() as { replies: { text: string; quickReplies?: string[] }[] }).replies;
};
const agent = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  kefu.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
const outbox = async (userId: string) =>
  (
    (await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${userId}` })).json() as {
      messages: { text: string }[];
    }
  ).messages.map((m) => m.text);
const queueIds = async () =>
  (
    (await agent('tok-alice', 'GET', '/api/agent/queue')).json() as { conversations: { id: string }[] }
  ).conversations.map((c) => c.id);
/** A user who asked for a human and is waiting in the queue. */
const waitingUser = async () => {
  const userId = newUser();
  await say(userId, '你好');
  await say(userId, '转人工');
  return userId;
};

describe('agent API: authentication', () => {
  it('401 without a token, with a wrong one, and on the event stream without ?token=', async () => {
    expect((await kefu.app.inject({ method: 'GET', url: '/api/agent/queue' })).statusCode).toBe(401);
    expect((await agent('nope', 'GET', '/api/agent/queue')).statusCode).toBe(401);
    expect((await kefu.app.inject({ method: 'GET', url: '/api/agent/events' })).statusCode).toBe(401);
    const res = await agent('tok-alice', 'GET', '/api/agent/me');
    expect(res.json()).toMatchObject({ name: 'alice', agents: ['alice', 'bob'] });
  });
});

describe('handoff transitions', () => {
  it('asking for a human queues the conversation and tells the user their place', async () => {
    const userId = newUser();
    await say(userId, '我想申请异地服务');
    const replies = await say(userId, '转人工');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toMatch(/排在第 \d+ 位/u);
    expect(replies[0]!.quickReplies).toEqual(['留言', '预约回电', '取消转人工']);
    const queue = (await agent('tok-bob', 'GET', '/api/agent/queue')).json() as {
      conversations: Record<string, unknown>[];
    };
    expect(queue.conversations.find((c) => c.id === `web:${userId}`)).toMatchObject({
      channel: 'web',
      userId,
      reason: 'user_request',
      preview: '转人工',
      intent: 'apply',
      waitingSince: new Date(now).toISOString(),
    });
  });

  it('two agents claiming at once: exactly one 200 and one 409', async () => {
    for (let round = 0; round < 5; round++) {
      const userId = await waitingUser();
      const [a, b] = await Promise.all([
        agent('tok-alice', 'POST', `/api/agent/conversations/${conv(userId)}/claim`),
        agent('tok-bob', 'POST', `/api/agent/conversations/${conv(userId)}/claim`),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
      const loser = a.statusCode === 409 ? a : b;
      expect(loser.json()).toMatchObject({ error: { code: 'KEFU_ALREADY_CLAIMED' } });
      // The user hears of exactly one agent.
      expect((await outbox(userId)).filter((t) => t.includes('已接入'))).toHaveLength(1);
    }
  });

  it('claim -> the user is told, the bot is silent, words go both ways, the other agent is kept out', async () => {
    const userId = await waitingUser();
    const id = conv(userId);
    expect((await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/claim`)).statusCode).toBe(200);
    expect(await queueIds()).not.toContain(`web:${userId}`);
    expect((await outbox(userId)).at(-1)).toBe('客服alice已接入，正在为您服务。如需回到智能助手，请发送“结束人工”。');

    const sent = await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/messages`, {
      text: '您好，请问需要什么帮助？',
    });
    expect(sent.statusCode).toBe(200);
    expect((await outbox(userId)).at(-1)).toBe('【客服alice】您好，请问需要什么帮助？');

    // While an agent holds it, the bot says nothing, whatever the user says.
    expect(await say(userId, '我的号码是13812345678，想查一下进度')).toEqual([]);
    expect(await say(userId, '帮助')).toEqual([]);

    const view = (await agent('tok-alice', 'GET', `/api/agent/conversations/${id}`)).json() as {
      conversation: { state: string; agent: string };
      transcript: { from: string; text: string }[];
      tickets: unknown[];
    };
    expect(view.conversation).toMatchObject({ state: 'assigned', agent: 'alice' });
    expect(view.transcript.map((e) => `${e.from}:${e.text}`).slice(-3)).toEqual([
      'agent:您好，请问需要什么帮助？',
      'user:我的号码是138****5678，想查一下进度',
      'user:帮助',
    ]);
    expect(JSON.stringify(view)).not.toContain('13812345678');
    expect(view.tickets).toEqual([]);

    expect((await agent('tok-bob', 'GET', `/api/agent/conversations/${id}`)).statusCode).toBe(403);
    expect((await agent('tok-bob', 'POST', `/api/agent/conversations/${id}/messages`, { text: 'hi' })).statusCode).toBe(
      403,
    );
    expect((await agent('tok-bob', 'POST', `/api/agent/conversations/${id}/release`)).statusCode).toBe(409);
    expect((await agent('tok-alice', 'GET', `/api/agent/conversations/${conv('nobody')}`)).statusCode).toBe(404);
    expect((await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/messages`, { text: '' })).statusCode).toBe(
      400,
    );
  });

  it("shows the bot's answers to a waiting user live to the consoles, and nothing of conversations not handed off", async () => {
    const bus = kefu.handoff.d.bus;
    const heard: AgentEvent[] = [];
    const stop = bus.subscribe((e) => heard.push(e));
    await bus.ready();
    try {
      const bystander = newUser();
      await say(bystander, '你好');
      const userId = newUser();
      await say(userId, '你好');
      const queued = await say(userId, '转人工');
      expect(queued[0]!.text).toMatch(/排在第 \d+ 位/u);
      const lines = () =>
        heard.flatMap((e) =>
          e.type === 'message' && e.entry.from === 'bot' ? [[e.conversationId, e.entry.text]] : [],
        );
      await expect.poll(() => lines()).toContainEqual([`web:${userId}`, queued[0]!.text]);
      // The greeting came before the handoff: consoles read it from the transcript, not live.
      expect(lines().filter(([c]) => c === `web:${userId}`)).toHaveLength(1);
      await agent('tok-alice', 'POST', `/api/agent/conversations/${conv(userId)}/claim`);
      await expect.poll(() => lines()).toContainEqual([`web:${userId}`, (await outbox(userId)).at(-1)!]);
      expect(lines().some(([c]) => c === `web:${bystander}`)).toBe(false);
    } finally {
      stop();
    }
  });

  it('a queued conversation can be read by any agent but not answered before claiming', async () => {
    const userId = await waitingUser();
    const view = await agent('tok-bob', 'GET', `/api/agent/conversations/${conv(userId)}`);
    expect(view.statusCode).toBe(200);
    expect((view.json() as { transcript: { text: string }[] }).transcript.map((e) => e.text).slice(0, 2)).toEqual([
      '你好',
      expect.stringContaining('您好'),
    ]);
    const early = await agent('tok-bob', 'POST', `/api/agent/conversations/${conv(userId)}/messages`, { text: 'hi' });
    expect(early.statusCode).toBe(409);
  });

  it('transfer -> the new agent holds it and the user is told; the old agent is out', async () => {
    const userId = await waitingUser();
    const id = conv(userId);
    await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/claim`);
    expect(
      (await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/transfer`, { to: 'carol' })).statusCode,
    ).toBe(400);
    const moved = await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/transfer`, { to: 'bob' });
    expect(moved.statusCode).toBe(200);
    expect((await outbox(userId)).at(-1)).toBe('您的会话已转接给客服bob，请稍候。');
    expect(
      (await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/messages`, { text: 'x' })).statusCode,
    ).toBe(403);
    expect(
      (await agent('tok-bob', 'POST', `/api/agent/conversations/${id}/messages`, { text: '我是bob' })).statusCode,
    ).toBe(200);
    const mine = (await agent('tok-bob', 'GET', '/api/agent/queue')).json() as { mine: { id: string }[] };
    expect(mine.mine.map((c) => c.id)).toContain(`web:${userId}`);
  });

  it('release -> back to the bot, which asks for a score; score and comment are stored', async () => {
    const userId = await waitingUser();
    const id = conv(userId);
    await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/claim`);
    expect((await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/release`)).statusCode).toBe(200);
    const last = await outbox(userId);
    expect(last.slice(-2)).toEqual([
      '客服alice已结束本次服务，接下来由智能助手继续为您服务。',
      '请为客服alice本次的服务打分（5 分为非常满意）：',
    ]);
    expect((await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/release`)).statusCode).toBe(404);

    const askComment = await say(userId, '5');
    expect(askComment[0]!.text).toContain('感谢您的评分');
    const thanks = await say(userId, '回复很快，谢谢');
    expect(thanks[0]!.text).toBe('感谢您的反馈，我们会继续改进服务！');
    const scores = (await kefu.handoff.d.store.satisfaction()).filter((s) => s.conversationId === `web:${userId}`);
    expect(scores).toEqual([
      expect.objectContaining({ subject: { kind: 'agent', agent: 'alice' }, score: 5, comment: '回复很快，谢谢' }),
    ]);
    // And the bot answers again.
    expect((await say(userId, '营业厅几点开门'))[0]!.text).not.toBe('');
    expect(await kefu.handoff.d.store.get(`web:${userId}`)).toMatchObject({
      state: 'resolved',
      endReason: 'agent_released',
    });
  });

  it('"结束人工" from the user ends it; the survey is skipped quietly by an unrelated question', async () => {
    const userId = await waitingUser();
    const id = conv(userId);
    await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/claim`);
    const ended = await say(userId, '结束人工');
    expect(ended.map((r) => r.text)).toEqual([
      '已结束人工服务，接下来由智能助手继续为您服务。',
      '请为客服alice本次的服务打分（5 分为非常满意）：',
    ]);
    expect(ended[1]!.quickReplies).toEqual(['5 非常满意', '4 满意', '3 一般', '2 不满意', '1 很不满意']);
    expect(await kefu.handoff.d.store.get(`web:${userId}`)).toMatchObject({
      state: 'resolved',
      endReason: 'user_ended',
    });
    expect(
      (await agent('tok-alice', 'POST', `/api/agent/conversations/${id}/messages`, { text: 'x' })).statusCode,
    ).toBe(404);
    // Not a score: answered as usual, no survey words, nothing recorded.
    const answered = await say(userId, '需要什么材料');
    expect(answered.map((r) => r.text).join('')).not.toMatch(/打分|评分/u);
    expect(answered.length).toBeGreaterThan(0);
    expect((await kefu.handoff.d.store.satisfaction()).filter((s) => s.conversationId === `web:${userId}`)).toEqual([]);
  });

  it('a user who keeps writing while pending: kept in order, told their place without spam', async () => {
    const userId = await waitingUser();
    const words = ['我的宽带坏了', '已经三天了', '地址在朝阳区', '请快点'];
    const replies = [];
    for (const w of words) replies.push(await say(userId, w));
    // Told on asking; within a minute nothing more.
    expect(replies.every((r) => r.length === 0)).toBe(true);
    now += 61_000;
    const later = await say(userId, '还要等多久');
    expect(later).toHaveLength(1);
    expect(later[0]!.text).toMatch(/您目前排在第 \d+ 位|排在第 \d+ 位/u);
    expect(await say(userId, '好的')).toEqual([]);
    // Asking for a human again always gets the place.
    expect((await say(userId, '转人工'))[0]!.text).toMatch(/排在第 \d+ 位/u);
    const view = (await agent('tok-alice', 'GET', `/api/agent/conversations/${conv(userId)}`)).json() as {
      transcript: { from: string; text: string }[];
    };
    const fromUser = view.transcript.filter((e) => e.from === 'user').map((e) => e.text);
    expect(fromUser).toEqual(['你好', '转人工', ...words, '还要等多久', '好的', '转人工']);
    expect(await queueIds()).toContain(`web:${userId}`);
  });

  // "取消转人工" is the cancel button's label, typed: the button's value decides, not the words.
  it.each(['取消', '取消转人工'])('"%s" while pending takes the user out of the queue', async (words) => {
    const userId = await waitingUser();
    const replies = await say(userId, words);
    expect(replies[0]!.text).toBe('好的，已取消转人工。');
    expect(await queueIds()).not.toContain(`web:${userId}`);
    expect(await kefu.handoff.d.store.get(`web:${userId}`)).toMatchObject({
      state: 'resolved',
      endReason: 'cancelled',
    });
  });

  it('leaving a message while pending stores it and ends the handoff', async () => {
    const userId = await waitingUser();
    expect((await say(userId, '留言'))[0]!.text).toContain('请输入您的留言');
    expect((await say(userId, '请明天上午联系我，号码13812345678'))[0]!.text).toContain('留言已收到');
    const left = (await kefu.handoff.d.store.leftMessages()).filter((m) => m.conversationId === `web:${userId}`);
    expect(left).toEqual([expect.objectContaining({ kind: 'message', text: '请明天上午联系我，号码13812345678' })]);
    expect(await kefu.handoff.d.store.get(`web:${userId}`)).toMatchObject({
      state: 'resolved',
      endReason: 'left_message',
    });
    expect(await queueIds()).not.toContain(`web:${userId}`);
  });

  it('nobody claims in time: expired, and the user is offered a callback', async () => {
    const userId = await waitingUser();
    const target = { conversationId: `web:${userId}`, channel: 'web' as const, userId };
    await kefu.runtime.dispatch(
      target,
      { type: 'timer.fired', timerId: 'handoff.expire', at: now },
      `expire:${userId}`,
    );
    expect((await outbox(userId)).at(-1)).toContain('未能及时接入');
    expect(await kefu.handoff.d.store.get(`web:${userId}`)).toMatchObject({ state: 'expired', endReason: 'expired' });
    expect((await say(userId, '预约回电'))[0]!.text).toContain('手机号码');
    expect((await say(userId, '12345'))[0]!.text).toContain('不是有效的手机号码');
    expect((await say(userId, '13812345678'))[0]!.text).toBe('已为您预约回电，客服会拨打 138****5678 联系您。');
    const left = (await kefu.handoff.d.store.leftMessages()).filter((m) => m.conversationId === `web:${userId}`);
    expect(left).toEqual([expect.objectContaining({ kind: 'callback', phone: '13812345678' })]);
  });

  it('canned replies come from the locale files', async () => {
    const res = (await agent('tok-alice', 'GET', '/api/agent/canned?locale=en')).json() as {
      replies: { id: string; text: string }[];
    };
    expect(res.replies.map((r) => r.id)).toContain('greeting');
    expect(res.replies[0]!.text).toMatch(/^Hello/u);
  });
});

describe('outside agent hours', () => {
  it('offers a callback or a message and does not queue', async () => {
    const closed = await createKefu(
      loadConfig(
        { REDIS_URL: server.url, AGENT_TOKENS: 'alice:tok-alice', AGENT_HOURS: '09:00-18:00', LOG_LEVEL: 'silent' },
        '/nonexistent',
      ),
      { clock: { now: () => Date.parse('2026-01-15T22:00:00+08:00') } },
    );
    try {
      const userId = newUser();
      const res = await closed.app.inject({
        method: 'POST',
        url: '/api/web/messages',
        payload: { userId, text: '转人工' },
      });
      const replies = (res.json() as { replies: { text: string; quickReplies: string[] }[] }).replies;
      expect(replies[0]!.text).toContain('09:00-18:00');
      expect(replies[0]!.quickReplies).toEqual(['预约回电', '留言', '返回菜单']);
      expect(await closed.handoff.d.store.get(`web:${userId}`)).toBeUndefined();
    } finally {
      await closed.close();
    }
  });
});
