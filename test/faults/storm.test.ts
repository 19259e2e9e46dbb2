import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { postWeb, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { uniqueUser } from '../support/kefu.js';

const CONVERSATIONS = 50;
const PER_CONVERSATION = 20; // 1,000 messages
const TEXTS = ['你好', '需要什么材料', '营业厅几点开门', '怎么申请异地服务', 'hello', '帮助', '谢谢'];

let redis: RedisServer;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  // The storm comes from one address: the per-address limit would (rightly) stop it.
  const env = { REDIS_URL: redis.url, LOG_LEVEL: 'warn', RATE_LIMIT_IP_PER_MINUTE: '0' };
  servers.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await redis.stop();
});

type Answer = Awaited<ReturnType<typeof postWeb>>;

describe('a storm over two processes', () => {
  it('answers 1,000 messages over 50 conversations exactly once each, in order, duplicates mixed in', async () => {
    const users = Array.from({ length: CONVERSATIONS }, () => uniqueUser('storm'));
    const originals = new Map<string, Answer>(); // userId/messageId -> the answer
    const duplicates: { key: string; answer: Answer }[] = [];
    let sent = 0;
    let failed = 0;
    const post = async (server: number, userId: string, i: number) => {
      sent++;
      try {
        return await postWeb(servers[server % 2]!.url, { userId, text: TEXTS[i % TEXTS.length]!, messageId: `s-${i}` });
      } catch (err) {
        failed++;
        throw err;
      }
    };

    // Each user types one message after another (their order is the order to keep); all 50
    // users at once, alternating processes. Every fourth message is also delivered again at the
    // same moment to the other process (a platform retry racing the first delivery), and every
    // seventh once more after it was answered (a late redelivery).
    await Promise.all(
      users.map(async (userId, u) => {
        for (let i = 0; i < PER_CONVERSATION; i++) {
          const key = `${userId}/s-${i}`;
          const racing = i % 4 === 0 ? [post(u + i + 1, userId, i)] : [];
          const [first, ...raced] = await Promise.all([post(u + i, userId, i), ...racing]);
          const answers = [first!, ...raced];
          const fresh = answers.filter((a) => !a.duplicate);
          expect(fresh).toHaveLength(1); // exactly one delivery ran the turn
          originals.set(key, fresh[0]!);
          for (const a of answers.filter((x) => x.duplicate)) duplicates.push({ key, answer: a });
          if (i % 7 === 3) duplicates.push({ key, answer: await post(u, userId, i) });
        }
      }),
    );

    for (const userId of users) {
      // In order: the n-th message of a user was the n-th turn of their conversation.
      const turns = Array.from({ length: PER_CONVERSATION }, (_, i) => originals.get(`${userId}/s-${i}`)!.turn);
      expect(turns).toEqual(Array.from({ length: PER_CONVERSATION }, (_, i) => i + 1));
    }
    for (const { key, answer } of duplicates) {
      expect(answer.duplicate).toBe(true);
      expect(answer.body).toEqual(originals.get(key)!.body); // a redelivery gets the same answer
    }
    for (const a of originals.values()) {
      expect(a.status).toBe(200);
      expect(a.body.replies.length).toBeGreaterThan(0);
    }
    // Nothing lost or doubled on the way to the user: each outbox holds each answer once.
    for (const userId of users.slice(0, 10)) {
      const outbox = (await fetch(`${servers[0]!.url}/api/web/messages?userId=${userId}`).then((r) => r.json())) as {
        messages: unknown[];
      };
      let expected = 0;
      for (let i = 0; i < PER_CONVERSATION; i++) expected += originals.get(`${userId}/s-${i}`)!.body.replies.length;
      expect(outbox.messages).toHaveLength(expected);
    }

    const figures = {
      messages: CONVERSATIONS * PER_CONVERSATION,
      deliveries: sent,
      answered: originals.size,
      duplicatesDelivered: duplicates.length,
      duplicatesAnsweredAsDuplicate: duplicates.filter((d) => d.answer.duplicate).length,
      lost: CONVERSATIONS * PER_CONVERSATION - originals.size,
      transportFailures: failed,
    };
    expect(figures.lost).toBe(0);
    expect(figures.transportFailures).toBe(0);
    // RELIABILITY.md quotes these.
    const dir = join(tmpdir(), 'kefu-fault-figures');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'storm.json'), JSON.stringify(figures, null, 2));
  }, 120_000);
});
