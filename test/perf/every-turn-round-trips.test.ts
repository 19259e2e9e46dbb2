import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createKefu, type Kefu } from '../../src/main.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { recordWrites, type SentCommand } from '../support/redis-writes.js';

/**
 * Issue 10's "at most 4 Redis round trips per turn", for every kind of turn, not only the
 * bench's: each turn's writes to Redis (one per event-loop turn) that touch the user's keys or
 * ids are counted, the bot's words to the agents' consoles included.
 */
let server: RedisServer;
let kefu: Kefu;
let writes: SentCommand[][];
const now = Date.parse('2026-01-15T10:00:00+08:00'); // within agent hours
const counts: Record<string, number> = {};
/** Every command name sent while turns ran, the analytics flush included. */
const commandNames = new Set<string>();
let n = 0;
const ANALYTICS = 'kefu:{analytics}';
const ADMIN = 'admin-token-for-round-trips';
/** Actions of agents and staff, counted with the customer's turn each starts. */
const STAFF = new Set(['agent claims (agent.joined)', 'agent releases (survey)', 'staff reply (ticket.replied)']);

beforeAll(async () => {
  server = await startRedisServer();
  kefu = await createKefu(
    loadConfig(
      {
        REDIS_URL: server.url,
        AGENT_TOKENS: 'alice:tok-alice',
        ADMIN_TOKEN: ADMIN,
        LOG_LEVEL: 'silent',
        RATE_LIMIT_IP_PER_MINUTE: '0',
      },
      '/nonexistent',
    ),
    { clock: { now: () => now } },
  );
  await kefu.redis!.ping();
  // A process's first ticket of a kind in a day waits for its first block of numbers: one round
  // trip more, once a day (test/store/ticket-numbers.test.ts). Taken here, uncounted.
  for (const kind of ['application', 'feedback'] as const)
    await kefu.tickets.create(
      { kind, channel: 'web', userId: 'warm', conversationId: 'web:warm', locale: 'zh-CN' },
      now,
      `warm-${kind}`,
    );
  // Nothing else writes meanwhile: no timer polling (no timer comes due in this test).
  await kefu.notify.close();
  writes = recordWrites(kefu.redis!);
});
afterAll(async () => {
  await kefu?.close();
  await server?.stop();
});

/** Runs `action` and records under `name` how many writes it made (`user` names it in the log). */
async function counted<T>(name: string, user: string, action: () => Promise<T>): Promise<T> {
  writes.length = 0;
  const result = await action();
  // Let what the turn started without waiting (the live replies) leave too.
  await new Promise((resolve) => setImmediate(resolve));
  // Every write while the turn runs, the ticket's and the agents' included, but the analytics
  // flush (once a second, every conversation's counts), which is no turn's round trip.
  // (A script's first key is its third argument: sha, number of keys, keys.)
  const background = (c: SentCommand) => String(c.name === 'evalsha' ? c.args[2] : c.args[0]).startsWith(ANALYTICS);
  const touching = writes.filter((w) => !w.every(background));
  for (const w of writes) for (const c of w) commandNames.add(c.name);
  counts[name] = Math.max(counts[name] ?? 0, touching.length);
  if (process.env.SHOW_WRITES) console.log(name, JSON.stringify(writes.map((w) => w.map((c) => c.name))));
  return result;
}

const newUser = () => `trips${++n}${Math.random().toString(36).slice(2, 7)}`;
const say = (user: string, text: string, name = text) =>
  counted(name, user, async () => {
    const res = await kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: { userId: user, text } });
    expect(res.statusCode).toBe(200);
    return (res.json() as { replies: { text: string }[] }).replies.map((r) => r.text).join('\n');
  });
const agent = (user: string, name: string, method: 'POST', path: string, payload?: object) =>
  counted(name, user, async () => {
    const res = await kefu.app.inject({
      method,
      url: `/api/agent/conversations/${encodeURIComponent(`web:${user}`)}/${path}`,
      headers: { authorization: 'Bearer tok-alice' },
      ...(payload ? { payload } : {}),
    });
    expect(res.statusCode).toBe(200);
  });

describe('Redis round trips of every kind of turn', () => {
  it('an application to its ticket, and the ticket looked up', async () => {
    const u = newUser();
    await say(u, '你好', 'greeting');
    await say(u, '申请异地服务', 'apply');
    for (const text of ['个人', '张三', '11010519491231002X', '13812345678', '北京市朝阳区建国路88号'])
      await say(u, text, 'application field');
    const done = await say(u, '同意', 'consent (ticket created)');
    const number = /YD\d{12}/.exec(done)?.[0];
    expect(number).toBeDefined();
    await say(u, '查询进度', 'status');
    expect(await say(u, number!, 'status by number')).toContain(number!);
    for (const status of ['under_review', 'approved', 'active'] as const)
      await kefu.tickets.transition(number!, status, 'admin:test', now);
    await say(u, '我要关闭异地服务', 'closure');
    await say(u, '13812345678', 'closure proof');
    expect(await say(u, '确认关闭', 'closure confirmed (ticket moved)')).toMatch(/已提交关闭申请/);
    expect((await kefu.tickets.get(number!))?.status).toBe('closure_requested');
  });

  it('feedback: an urgent complaint goes to an agent with its ticket; a suggestion', async () => {
    const urgent = newUser();
    expect(await say(urgent, '我的手机打不了电话了，急死了', 'urgent complaint (ticket and handoff)')).toMatch(
      /排在第/,
    );
    const other = newUser();
    await say(other, '投诉', 'complaint');
    await say(other, '宽带安装师傅说好昨天上门，结果没来', 'complaint field');
    await say(other, 'feedback:none', 'complaint field');
    expect(await say(other, '13700001111', 'complaint (ticket created)')).toMatch(/FK\d{12}/);
    const complaint = /FK\d{12}/.exec(await say(other, '查询进度', 'status'))?.[0];
    expect(complaint).toBeDefined();
    await counted('staff reply (ticket.replied)', other, async () => {
      const res = await kefu.app.inject({
        method: 'POST',
        url: `/api/admin/tickets/${complaint}/reply`,
        headers: { authorization: `Bearer ${ADMIN}` },
        payload: { text: '师傅明天上午上门，给您带来不便，非常抱歉。' },
      });
      expect(res.json()).toMatchObject({ notified: true });
    });
    await say(other, '1', 'ticket survey score (ticket reopened)');
    await say(other, '师傅态度不好', 'ticket survey comment');
    expect((await kefu.tickets.get(complaint!))?.status).toBe('reopened');
    await say(other, '我想提个建议', 'suggestion');
    await say(other, '建议营业厅周末也开门', 'suggestion (ticket created)');
  });

  it('a handoff from request to survey', async () => {
    const u = newUser();
    await say(u, '我想申请异地服务', 'apply');
    expect(await say(u, '转人工', 'ask for an agent')).toMatch(/排在第/);
    await say(u, '还要等多久', 'message while waiting');
    await agent(u, 'agent claims (agent.joined)', 'POST', 'claim');
    await say(u, '你好，我的业务办不了', 'message to the agent');
    await agent(u, 'agent releases (survey)', 'POST', 'release');
    await say(u, '5', 'survey score');
  });

  it('leaving a message, booking a callback, cancelling the wait', async () => {
    const a = newUser();
    await say(a, '转人工', 'ask for an agent');
    await say(a, '留言', 'leave a message');
    await say(a, '请帮我查一下账单', 'the message (handoff ended)');
    const b = newUser();
    await say(b, '转人工', 'ask for an agent');
    await say(b, '预约回电', 'book a callback');
    await say(b, '13812345678', 'the callback number (handoff ended)');
    const c = newUser();
    await say(c, '转人工', 'ask for an agent');
    await say(c, '取消转人工', 'cancel the wait');
  });

  it('language, and erasing personal data with a closed ticket', async () => {
    const u = newUser();
    await say(
      u,
      '我要申请异地服务，个人，身份证11010519491231002X，手机13812345678，地址北京市朝阳区建国路88号',
      'apply',
    );
    await say(u, '张三', 'application field');
    const number = /YD\d{12}/.exec(await say(u, '同意', 'consent (ticket created)'))![0];
    await kefu.tickets.transition(number, 'under_review', 'admin:test', now);
    await kefu.tickets.transition(number, 'rejected', 'admin:test', now);
    await say(u, 'English please', 'language switch');
    await say(u, '删除我的信息', 'erase request');
    expect(await say(u, '是', 'erase confirmed (a closed ticket rewritten)')).toMatch(/erased|删除/i);
    expect((await kefu.tickets.get(number))?.application?.idNumber).toBe('');
  });

  it('every turn a customer message starts takes at most 4; a staff action with the turn it starts, 5', () => {
    console.log(counts);
    const staff = Object.entries(counts).filter(([name]) => STAFF.has(name));
    expect(staff).toHaveLength(STAFF.size);
    expect(Object.keys(counts).length - staff.length).toBeGreaterThan(25);
    expect(Object.entries(counts).filter(([name, c]) => !STAFF.has(name) && c > 4)).toEqual([]);
    // The staff's own write (the ticket, the claim) comes before the customer's turn it starts;
    // that turn is its start, its commit and the delivery to the user's channel.
    expect(staff.filter(([, c]) => c > 5)).toEqual([]);
  });

  it('no turn and no analytics flush builds an ioredis Pipeline (MULTI or pipeline)', () => {
    // Each Pipeline keeps what awaits it alive through young-generation collections
    // (src/store/capped-list.ts): scripts and plain commands only on these paths.
    expect(commandNames.size).toBeGreaterThan(3);
    expect([...commandNames].filter((name) => name === 'multi' || name === 'exec')).toEqual([]);
  });
});
