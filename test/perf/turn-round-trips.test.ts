import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { testKefu, uniqueUser } from '../support/kefu.js';
import { recordWrites } from '../support/redis-writes.js';

/** The web answers are written to the outbox by the commit script itself (one round trip less). */
describe('web outbox written by the turn commit (Redis)', () => {
  let kefu: Kefu;
  beforeAll(async () => {
    kefu = await testKefu({
      REDIS_URL: inject('redisUrl'),
      RATE_LIMIT_USER_PER_MINUTE: '3',
      RATE_LIMIT_IP_PER_MINUTE: '0',
    });
  });
  afterAll(async () => kefu.close());

  const post = async (userId: string, text: string, messageId?: string) =>
    kefu.app.inject({
      method: 'POST',
      url: '/api/web/messages',
      payload: { userId, text, ...(messageId ? { messageId } : {}) },
    });
  const outbox = async (userId: string) =>
    (await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${userId}` })).json() as {
      messages: { text: string; at: string }[];
    };

  it('keeps every answer once, in order, and a redelivered message adds nothing', async () => {
    const user = uniqueUser('outbox');
    const first = (await post(user, '你好', 'm1')).json() as { replies: { text: string }[] };
    const second = (await post(user, '办理需要什么材料', 'm2')).json() as { replies: { text: string }[] };
    await post(user, '办理需要什么材料', 'm2'); // a retried POST
    const sent = (await outbox(user)).messages.map((m) => m.text);
    expect(sent).toEqual([...first.replies, ...second.replies].map((r) => r.text));
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect((await outbox(user)).messages.every((m) => !Number.isNaN(Date.parse(m.at)))).toBe(true);
  });

  it('records a rate-limit refusal (no turn ran) and gives the turn back, so the next minute goes on', async () => {
    const user = uniqueUser('limited');
    for (const text of ['你好', '受理时间', '办理需要什么材料']) expect((await post(user, text)).statusCode).toBe(200);
    const refused = await post(user, '你好');
    expect(refused.statusCode).toBe(200);
    expect(refused.json().replies[0].text).toMatch(/频繁/);
    const sent = (await outbox(user)).messages.map((m) => m.text);
    expect(sent.at(-1)).toMatch(/频繁/);
    // The refused message's turn number was passed on: the session still answers its next turn.
    const session = await kefu.sessions.beginTurn(`web:${user}`, `test:${user}`);
    expect(session.kind).toBe('ready');
    if (session.kind === 'ready') {
      expect(session.session?.turns).toBe(3);
      await kefu.sessions.abortTurn(session.turn);
    }
  });
});

describe('Redis round trips of the turns around a handoff', () => {
  let kefu: Kefu;
  /** Writes to Redis (commands of one event-loop turn leave in one write) that touch `user`'s keys or ids. */
  let writesFor: (user: string, turn: () => Promise<unknown>) => Promise<number>;
  beforeAll(async () => {
    kefu = await testKefu({ REDIS_URL: inject('redisUrl'), RATE_LIMIT_IP_PER_MINUTE: '0' });
    await kefu.redis!.ping();
    const writes = recordWrites(kefu.redis!);
    writesFor = async (user, turn) => {
      writes.length = 0;
      await turn();
      // Timers and analytics of other conversations may write meanwhile: only this user's count.
      return writes.filter((w) => w.some((c) => c.args.some((a) => String(a).includes(user)))).length;
    };
  });
  afterAll(async () => kefu.close());

  const say = (userId: string, text: string) => () =>
    kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: { userId, text } });

  it('asks for an agent in 4 round trips and passes a message on while waiting in 3', async () => {
    const user = uniqueUser('handoff-trips');
    expect(await writesFor(user, say(user, '你好'))).toBe(2);
    await say(user, '怎么申请异地服务')(); // a topic for the agents: written with the commit
    // Start; the queue request with the place, the agents online and the transcript; the topic,
    // the notice to agents and the expiry timer with the commit; the bot's words to agents' consoles.
    const asking = await writesFor(user, say(user, '转人工'));
    const waiting = await writesFor(user, say(user, '还要等多久'));
    expect(asking).toBeLessThanOrEqual(4);
    expect(waiting).toBeLessThanOrEqual(3);
    // What went with the commit arrived: the topic, and the expiry timer.
    expect((await kefu.handoff.d.store.get(`web:${user}`))?.intent).toBe('apply');
    expect(await kefu.redis!.zscore('kefu:{timers}:due', `conv:web:${user}:handoff.expire`)).not.toBeNull();
  });
});
