import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { postWeb, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { uniqueUser } from '../support/kefu.js';
import { createRedis } from '../../src/store/redis-client.js';
import { RedisSessionStore } from '../../src/store/redis-session-store.js';

let redis: RedisServer;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  servers.push(
    ...(await Promise.all([
      startServerProcess({ REDIS_URL: redis.url }),
      startServerProcess({ REDIS_URL: redis.url }),
    ])),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await redis.stop();
});

describe('two server processes on one Redis', () => {
  it('answers 100 parallel messages of one conversation exactly once each, applied in arrival order', async () => {
    const userId = uniqueUser('order');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        postWeb(servers[i % 2]!.url, { userId, text: i % 3 === 0 ? '你好' : '需要什么材料', messageId: `msg-${i}` }),
      ),
    );
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body.replies.length).toBeGreaterThan(0);
      expect(r.duplicate).toBe(false);
    }
    // Arrival numbers 1..100 each once; the n-th arrival saw exactly n-1 turns before it.
    const bySeq = [...results].sort((a, b) => a.seq - b.seq);
    expect(bySeq.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(bySeq.map((r) => r.turn)).toEqual(bySeq.map((r) => r.seq));
    // Both processes took part.
    const outbox = await fetch(`${servers[0]!.url}/api/web/messages?userId=${userId}`).then((r) => r.json());
    const perTurn = results.reduce((sum, r) => sum + r.body.replies.length, 0);
    expect((outbox as { messages: unknown[] }).messages).toHaveLength(perTurn);
  });

  it('answers a message delivered twice (to both processes) with one turn', async () => {
    const userId = uniqueUser('dup');
    const [a, b] = await Promise.all([
      postWeb(servers[0]!.url, { userId, text: '你好', messageId: 'same-id' }),
      postWeb(servers[1]!.url, { userId, text: '你好', messageId: 'same-id' }),
    ]);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(a.body).toEqual(b.body);
    const again = await postWeb(servers[0]!.url, { userId, text: '帮助', messageId: 'next-id' });
    expect(again.turn).toBe(2);
  });

  it('continues a conversation where it was after the server restarts', async () => {
    const userId = uniqueUser('restart');
    const first = await postWeb(servers[0]!.url, { userId, text: '今天天气怎么样' });
    expect(first.body.replies[0]?.text).toMatch(/没有理解/);
    expect(await servers[0]!.stop()).toBe(0);
    servers[0] = await startServerProcess({ REDIS_URL: redis.url });
    // The second misunderstanding in a row (remembered across the restart) offers a human.
    const second = await postWeb(servers[0]!.url, { userId, text: '给我讲个笑话' });
    expect(second.body.replies[0]?.text).toMatch(/人工/);
    expect(second.turn).toBe(2);
  });

  it('finishes a turn in flight on SIGTERM (graceful shutdown)', async () => {
    const userId = uniqueUser('drain');
    // Hold the conversation's turn from here so the server's turn is provably in flight.
    const client = createRedis(redis.url);
    const store = new RedisSessionStore(client);
    const held = await store.beginTurn(`web:${userId}`, 'held-by-test');
    if (held.kind !== 'ready') throw new Error('expected ready');
    const pending = postWeb(servers[1]!.url, { userId, text: '你好' });
    await new Promise((r) => setTimeout(r, 300));
    const exit = servers[1]!.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect(servers[1]!.child.exitCode).toBeNull(); // still finishing its turn
    await store.abortTurn(held.turn);
    const answered = await pending;
    await client.quit();
    expect(answered.status).toBe(200);
    expect(answered.body.replies[0]?.text).toContain('欢迎');
    expect(await exit).toBe(0);
    servers[1] = await startServerProcess({ REDIS_URL: redis.url });
  });
});
