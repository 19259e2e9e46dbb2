import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { createRedis } from '../../src/store/redis-client.js';
import { RedisTicketStore } from '../../src/store/redis-ticket-store.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { postWeb, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { testKefu, uniqueUser } from '../support/kefu.js';
import { hardKill } from './fault-kit.js';

// A complaint becomes an FK ticket on the message that gives the phone number (issue 6 flow).
const COMPLAINT = '上个月话费多扣了50元';
const PHONE = '13812345678';
const FK = /FK\d{12}/;

type Reply = { text: string };
const numberIn = (replies: Reply[]) => FK.exec(replies.map((r) => r.text).join('\n'))?.[0];

describe('a turn that dies around its ticket write (in process, deterministic)', () => {
  let kefu: Kefu;
  beforeAll(async () => {
    kefu = await testKefu({ REDIS_URL: inject('redisUrl') });
  });
  afterAll(async () => kefu.close());

  const say = (userId: string, text: string, messageId: string) =>
    kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: { userId, text, messageId } });
  const feedbackTickets = async (userId: string) =>
    (await kefu.tickets.listByUser('web', userId)).filter((t) => t.kind === 'feedback');

  it.each([
    ['after the ticket was written, before the turn committed', 'after'],
    ['before the ticket was written', 'before'],
  ] as const)('dies %s: the redelivered message leaves exactly one ticket', async (_label, when) => {
    const userId = uniqueUser(`fk-${when}`);
    expect((await say(userId, COMPLAINT, 'c-1')).statusCode).toBe(200);
    const create = kefu.tickets.create.bind(kefu.tickets);
    // The process "dies" at this point of the turn: nothing after it runs, nothing is committed.
    kefu.tickets.create = async (...args) => {
      if (when === 'after') await create(...args);
      throw new Error('simulated crash');
    };
    const died = await say(userId, PHONE, 'c-2');
    kefu.tickets.create = create;
    expect(died.statusCode).toBe(500);
    expect(await feedbackTickets(userId)).toHaveLength(when === 'after' ? 1 : 0);

    const redelivered = await say(userId, PHONE, 'c-2');
    expect(redelivered.statusCode).toBe(200);
    const number = numberIn(redelivered.json<{ replies: Reply[] }>().replies);
    const tickets = await feedbackTickets(userId);
    expect(tickets.map((t) => t.number)).toEqual([number]);
    const again = await say(userId, PHONE, 'c-2');
    expect(again.headers['x-kefu-duplicate']).toBe('1');
    expect(await feedbackTickets(userId)).toHaveLength(1);
  });

  it("one user's message id never replays another user's ticket (ids are chosen by clients)", async () => {
    const alice = uniqueUser('fk-alice');
    const mallory = uniqueUser('fk-mallory');
    for (const userId of [alice, mallory]) expect((await say(userId, COMPLAINT, 'same-1')).statusCode).toBe(200);
    const a = numberIn((await say(alice, PHONE, 'same-2')).json<{ replies: Reply[] }>().replies);
    const m = numberIn((await say(mallory, '13987654321', 'same-2')).json<{ replies: Reply[] }>().replies);
    expect(a).toMatch(FK);
    expect(m).toMatch(FK);
    expect(m).not.toBe(a);
    expect((await feedbackTickets(mallory)).map((t) => t.number)).toEqual([m]);
  });
});

describe('a server process SIGKILLed as it creates a ticket', () => {
  let redis: RedisServer;
  let survivor: ServerProcess;
  const victims: ServerProcess[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    survivor = await startServerProcess({ REDIS_URL: redis.url, LOG_LEVEL: 'warn', TURN_WAIT_MS: '40000' });
  }, 60_000);
  afterAll(async () => {
    for (const v of victims) await hardKill(v.child);
    await survivor.stop();
    await redis.stop();
  });

  it('the ticket exists once after the platform redelivers, wherever the kill landed', async () => {
    const victim = await startServerProcess({ REDIS_URL: redis.url, LOG_LEVEL: 'warn' });
    victims.push(victim);
    const client = createRedis(redis.url);
    const tickets = new RedisTicketStore(client);
    const userId = uniqueUser('fk-kill');
    await postWeb(survivor.url, { userId, text: COMPLAINT, messageId: 'k-1' });
    const pending = postWeb(victim.url, { userId, text: PHONE, messageId: 'k-2' }).catch((err: unknown) => err);
    // Kill the moment the ticket shows up in Redis (or the turn ends, whichever comes first).
    let settled = false;
    void pending.finally(() => (settled = true));
    for (let i = 0; i < 4000 && !settled; i++) {
      if ((await tickets.listByUser('web', userId)).length > 0) break;
    }
    await hardKill(victim.child);
    await pending;

    const redelivered = await postWeb(survivor.url, { userId, text: PHONE, messageId: 'k-2' });
    expect(redelivered.status).toBe(200);
    const all = await tickets.listByUser('web', userId);
    expect(all).toHaveLength(1);
    expect(numberIn(redelivered.body.replies)).toBe(all[0]!.number);
    client.disconnect();
  }, 60_000);
});
