import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { postWeb, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { uniqueUser } from '../support/kefu.js';
import { createRedis } from '../../src/store/redis-client.js';
import { RedisSessionStore } from '../../src/store/redis-session-store.js';
import { eventually, fakeApi, hardKill, sleep, type FakeApi } from './fault-kit.js';

// A model API that never answers: a turn that asks it is provably in the middle (it holds the
// conversation's turn) when the process is killed.
let llm: FakeApi;
let redis: RedisServer;
let survivor: ServerProcess;
const victims: ServerProcess[] = [];

const outboxOf = async (userId: string) =>
  ((await fetch(`${survivor.url}/api/web/messages?userId=${userId}`).then((r) => r.json())) as { messages: unknown[] })
    .messages;

beforeAll(async () => {
  llm = await fakeApi(() => {});
  redis = await startRedisServer();
  survivor = await startServerProcess({ REDIS_URL: redis.url, TURN_WAIT_MS: '40000', LOG_LEVEL: 'warn' });
}, 60_000);

afterAll(async () => {
  // A survivor that died tells why (its log), instead of only "connection refused".
  if (survivor.child.exitCode !== null || survivor.child.signalCode !== null) console.error(survivor.output());
  for (const v of victims) await hardKill(v.child);
  await survivor.stop();
  await redis.stop();
  await llm.close();
});

describe('a server process SIGKILLed in the middle of a turn', () => {
  it('leaves nothing half done: the redelivered message runs once, on another process', async () => {
    const victim = await startServerProcess({
      REDIS_URL: redis.url,
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: `${llm.url}/v1`,
      OPENAI_TIMEOUT_MS: '60000',
      LOG_LEVEL: 'warn',
    });
    victims.push(victim);
    const userId = uniqueUser('sigkill');
    const first = postWeb(victim.url, { userId, text: '今天天气怎么样呀朋友', messageId: 'crash-1' }).catch(
      (err: unknown) => err,
    );
    // The victim is inside the turn (it asked the model and waits) when it dies.
    await eventually(async () => llm.requests.some((r) => r.body.includes('今天天气')), 400);
    await hardKill(victim.child);
    expect(await first).toBeInstanceOf(Error); // the platform saw no answer and will redeliver

    // The platform redelivers the same message to the other process: it waits out the dead
    // turn's lease, then runs the message once.
    const redelivered = await postWeb(survivor.url, { userId, text: '今天天气怎么样呀朋友', messageId: 'crash-1' });
    expect(redelivered.status).toBe(200);
    expect(redelivered.duplicate).toBe(false);
    expect(redelivered.turn).toBe(1);
    const again = await postWeb(survivor.url, { userId, text: '今天天气怎么样呀朋友', messageId: 'crash-1' });
    expect(again.duplicate).toBe(true);
    expect(again.body).toEqual(redelivered.body);
    expect(await outboxOf(userId)).toHaveLength(redelivered.body.replies.length);
    const next = await postWeb(survivor.url, { userId, text: '你好', messageId: 'crash-2' });
    expect(next.turn).toBe(2);
  }, 60_000);

  it('a process killed while waiting for its turn does not block the conversation or run twice', async () => {
    const victim = await startServerProcess({ REDIS_URL: redis.url, LOG_LEVEL: 'warn' });
    victims.push(victim);
    const userId = uniqueUser('sigkill-wait');
    const client = createRedis(redis.url);
    const store = new RedisSessionStore(client);
    const held = await store.beginTurn(`web:${userId}`, 'held-by-test');
    if (held.kind !== 'ready') throw new Error('expected ready');
    const pending = postWeb(victim.url, { userId, text: '你好', messageId: 'w-1' }).catch((err: unknown) => err);
    await sleep(300);
    await hardKill(victim.child);
    expect(await pending).toBeInstanceOf(Error);
    await store.abortTurn(held.turn);
    client.disconnect();

    const redelivered = await postWeb(survivor.url, { userId, text: '你好', messageId: 'w-1' });
    expect(redelivered.duplicate).toBe(false);
    expect(redelivered.turn).toBe(1);
    expect((await postWeb(survivor.url, { userId, text: '你好', messageId: 'w-1' })).duplicate).toBe(true);
    expect((await postWeb(survivor.url, { userId, text: '帮助', messageId: 'w-2' })).turn).toBe(2);
  }, 60_000);
});
