import fc from 'fast-check';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MemorySessionStore } from '../../src/store/memory-session-store.js';
import { createRedis } from '../../src/store/redis-client.js';
import { RedisSessionStore } from '../../src/store/redis-session-store.js';
import { RedisOutboxStore } from '../../src/store/outbox-store.js';
import { seenId } from '../../src/store/seen-id.js';
import { TurnTimeoutError } from '../../src/store/errors.js';
import { sessionStoreContract } from './session-store.contract.js';
import type { SessionRecord, TranscriptLine } from '../../src/core/ports.js';
import { keys, legacyKeys } from '../../src/store/redis-keys.js';
import { forgetConversation } from '../../src/store/forget-conversation.js';
import { BEGIN_TURN } from '../../src/store/redis-scripts.js';
import { maskedLine } from '../../src/domain/pii-mask.js';
import { uniqueUser } from '../support/kefu.js';
import { Catalog } from '../../src/runtime/catalog.js';
import { fillAt, readLine } from '../../src/store/reply-json.js';

const redis = createRedis(inject('redisUrl'));
afterAll(async () => {
  await redis.quit();
});

const memoryTranscripts = new Map<string, TranscriptLine[]>();
sessionStoreContract(
  'memory',
  () =>
    new MemorySessionStore(Date.now, {
      turnWaitMs: 15_000,
      dedupeTtlMs: 86_400_000,
      transcript: async (conv, lines) =>
        void memoryTranscripts.set(conv, [...(memoryTranscripts.get(conv) ?? []), ...lines]),
    }),
  async (conv) => memoryTranscripts.get(conv) ?? [],
);
/** The transcript as agents read it, in whatever form the store kept its lines. */
const storedTranscript = async (conv: string, catalog?: Catalog) =>
  fillAt(
    (await redis.lrange(keys.transcript(conv), 0, -1)).map((l) =>
      readLine(JSON.parse(l) as TranscriptLine, catalog && ((ref, locale) => catalog.text(ref, locale))),
    ),
  );
sessionStoreContract(
  'redis',
  () => new RedisSessionStore(redis),
  async (conv) => storedTranscript(conv),
);
// As kefu runs it: replies the catalog made are kept as recipes.
const catalog = await Catalog.load();
sessionStoreContract(
  'redis, replies kept as recipes',
  () => new RedisSessionStore(redis, { render: (reply, locale) => catalog.render(reply, locale) }),
  async (conv) => storedTranscript(conv, catalog),
  (which) =>
    catalog.render(
      {
        message: {
          hi: { key: 'root.welcome' },
          answer: {
            key: 'application.created',
            params: { number: 'YD261130000001', address: '北京市朝阳区建国路88号' },
          },
          ok: { key: 'menu.prompt' },
        }[which],
        quickReplies: which === 'answer' ? [{ label: { key: 'menu.agent' }, value: 'intent:agent' }] : [],
      },
      'zh-CN',
    ),
);

describe('RedisSessionStore across connections', () => {
  it('serializes turns taken through two separate Redis connections (two processes) in arrival order', async () => {
    const other = createRedis(inject('redisUrl'));
    try {
      const stores = [new RedisSessionStore(redis), new RedisSessionStore(other)];
      const conv = `web:${uniqueUser()}`;
      const applied: number[] = [];
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const store = stores[i % 2]!;
          const start = await store.beginTurn(conv, `m${i}`);
          if (start.kind !== 'ready') throw new Error('expected ready');
          const turns = (start.session?.turns ?? 0) + 1;
          applied.push(turns);
          expect(turns).toBe(start.turn.seq);
          await store.commitTurn(
            start.turn,
            { machineVersion: 1, snapshot: {}, locale: 'en', turns, updatedAt: 0 },
            [],
            60_000,
          );
        }),
      );
      expect(applied).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    } finally {
      await other.quit();
    }
  });

  it('skips a turn whose process died holding it, once its lease runs out', async () => {
    const store = new RedisSessionStore(redis, { holderTtlMs: 200, staleMs: 100, turnWaitMs: 5000 });
    const conv = `web:${uniqueUser()}`;
    const dead = await store.beginTurn(conv, 'crashes');
    expect(dead.kind).toBe('ready');
    // The holder never commits nor aborts (SIGKILL); the next turn must still get through.
    const next = await store.beginTurn(conv, 'after');
    expect(next.kind).toBe('ready');
    if (next.kind === 'ready') {
      expect(next.turn.seq).toBe(2);
      await store.abortTurn(next.turn);
    }
    // The dead turn's late commit is refused: its lease was passed on.
    if (dead.kind === 'ready') {
      await expect(
        store.commitTurn(dead.turn, { machineVersion: 1, snapshot: {}, locale: 'en', updatedAt: 0 }, [], 1000),
      ).rejects.toThrow(/lost the turn/);
    }
  });

  it('gives up with a coded timeout when the previous turn holds on too long', async () => {
    const store = new RedisSessionStore(redis, { holderTtlMs: 5000, turnWaitMs: 150 });
    const conv = `web:${uniqueUser()}`;
    const holder = await store.beginTurn(conv, 'slow');
    await expect(store.beginTurn(conv, 'waits')).rejects.toBeInstanceOf(TurnTimeoutError);
    if (holder.kind === 'ready') await store.abortTurn(holder.turn);
  });
});

describe('RedisSessionStore dedupe window', () => {
  const session = { machineVersion: 1, snapshot: {}, locale: 'zh-CN' as const, updatedAt: 1 };

  it('remembers every message key by a 12-character id, side by side in the lane, oldest first', async () => {
    const store = new RedisSessionStore(redis);
    const conv = `web:${uniqueUser()}`;
    const long = `web:${'0f8e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b'}`;
    for (const key of [long, 'web:m1']) {
      const start = await store.beginTurn(conv, key);
      if (start.kind !== 'ready') throw new Error(start.kind);
      await store.commitTurn(start.turn, session, [{ key: 'k', text: key }], 60_000);
    }
    const [head, ids, latest] = (await redis.get(keys.lane(conv)))!.split('\n');
    expect(head).toMatch(/^2 2 0 \d+ \d+$/); // two numbers taken, both served, nobody holding
    expect(ids).toBe(seenId(long) + seenId('web:m1'));
    expect(JSON.parse(latest!)).toEqual([{ key: 'k', text: 'web:m1' }]);
    expect(await store.beginTurn(conv, long)).toEqual({ kind: 'duplicate', replies: [] });
    expect(await store.beginTurn(conv, 'web:m1')).toEqual({
      kind: 'duplicate',
      replies: [{ key: 'k', text: 'web:m1' }],
    });
    // Only whole ids count: 12 characters made of the end of one and the start of the next are new.
    const straddling = ids!.slice(6, 18);
    const reply = (await redis.eval(
      BEGIN_TURN,
      5,
      keys.lane(conv),
      keys.session(conv),
      legacyKeys.seen(conv),
      legacyKeys.last(conv),
      legacyKeys.holder(conv),
      0,
      10_000,
      60_000,
      straddling,
      0,
      60_000,
      '',
      straddling,
    )) as unknown[];
    expect(reply.slice(0, 2)).toEqual(['ready', 3]);
  });

  it('still knows a message an older version remembered under its full key, or under its short id', async () => {
    const store = new RedisSessionStore(redis);
    const conv = `web:${uniqueUser()}`;
    const key = 'line:468789577898262530';
    await redis.zadd(legacyKeys.seen(conv), 1, key);
    await redis.set(legacyKeys.last(conv), `${key}\n[{"key":"a","text":"您好"}]`);
    expect(await store.beginTurn(conv, key)).toEqual({ kind: 'duplicate', replies: [{ key: 'a', text: '您好' }] });
    const long = `web:${'9f8e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b'}`;
    await redis.zadd(legacyKeys.seen(conv), 2, seenId(long));
    expect(await store.beginTurn(conv, long)).toEqual({ kind: 'duplicate', replies: [] });
  });

  it("waits for an older version's turn in flight before the conversation's first lane turn", async () => {
    const store = new RedisSessionStore(redis, { turnWaitMs: 5_000 });
    const conv = `web:${uniqueUser()}`;
    await redis.set(legacyKeys.holder(conv), '3', 'PX', 10_000);
    let started = false;
    const waiting = store.beginTurn(conv, 'web:after-upgrade').then((s) => {
      started = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(started).toBe(false);
    await redis.del(legacyKeys.holder(conv)); // the older process committed
    const start = await waiting;
    expect(start.kind).toBe('ready');
    if (start.kind === 'ready') expect(start.turn.seq).toBe(1);
  });

  it('starts a new lane over one it cannot read, rather than failing every turn until it expires', async () => {
    const store = new RedisSessionStore(redis);
    const conv = `web:${uniqueUser()}`;
    for (const junk of ['not a lane', '3 2 0 0 0', '3 2 0 0 0\nshort id!\n[]']) {
      await redis.set(keys.lane(conv), junk, 'PX', 60_000);
      const start = await store.beginTurn(conv, `web:after-${junk}`);
      expect(start.kind, junk).toBe('ready');
      if (start.kind === 'ready') {
        expect(start.turn.seq).toBe(1);
        await store.commitTurn(start.turn, session, [{ key: 'k', text: 'ok' }], 60_000);
      }
      expect((await redis.get(keys.lane(conv)))!.split('\n')[0]).toMatch(/^1 1 0 /);
    }
  });

  it('erasure empties the latest answer and keeps the numbers, so the erasing turn still commits', async () => {
    const store = new RedisSessionStore(redis);
    const conv = `web:${uniqueUser()}`;
    const first = await store.beginTurn(conv, 'web:apply');
    if (first.kind !== 'ready') throw new Error(first.kind);
    await store.commitTurn(first.turn, session, [{ key: 'k', text: '张三 11010519491231002X' }], 60_000, [
      { from: 'bot', text: '张三', at: 1 },
    ]);
    const erasing = await store.beginTurn(conv, 'web:erase');
    if (erasing.kind !== 'ready') throw new Error(erasing.kind);
    expect(await forgetConversation(redis, conv)).toBe(2); // the session and the transcript
    const lane = (await redis.get(keys.lane(conv)))!;
    expect(lane).not.toContain('张三');
    expect(lane.split('\n')[2]).toBe('[]');
    expect(await redis.pttl(keys.lane(conv))).toBeGreaterThan(0);
    expect(await store.beginTurn(conv, 'web:apply')).toEqual({ kind: 'duplicate', replies: [] });
    await store.commitTurn(erasing.turn, session, [{ key: 'k', text: '已删除' }], 60_000);
    expect(await store.beginTurn(conv, 'web:erase')).toEqual({
      kind: 'duplicate',
      replies: [{ key: 'k', text: '已删除' }],
    });
  });

  it('gives distinct keys distinct ids (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 80 }), { minLength: 2, maxLength: 64 }), (ids) => {
        const seen = ids.map(seenId);
        expect(new Set(seen).size).toBe(ids.length);
        for (const id of seen) expect(id).toMatch(/^[\w-]{12}$/);
        expect(ids.map(seenId)).toEqual(seen);
      }),
    );
  });

  it('answers exactly the messages among the window latest again, the latest with its replies (property)', async () => {
    const limit = 3;
    const store = new RedisSessionStore(redis, { seenLimit: limit });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'web:' + 'x'.repeat(36)), { maxLength: 14 }),
        async (sent) => {
          const conv = `web:${uniqueUser('window')}`;
          const committed: string[] = [];
          for (const key of sent) {
            const start = await store.beginTurn(conv, key);
            const window = committed.slice(-limit);
            if (window.includes(key)) {
              const replies = key === committed.at(-1) ? [{ key: 'k', text: key }] : [];
              expect(start).toEqual({ kind: 'duplicate', replies });
            } else {
              expect(start.kind).toBe('ready');
              if (start.kind !== 'ready') return;
              expect(start.turn.seq).toBe(committed.length + 1);
              await store.commitTurn(start.turn, session, [{ key: 'k', text: key }], 60_000);
              committed.push(key);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('RedisSessionStore commit', () => {
  it('on a history channel keeps the replies as sent in the transcript, which is what the page re-reads, and answers a redelivery with them', async () => {
    const store = new RedisSessionStore(redis, { historyChannels: ['web'] });
    const outbox = new RedisOutboxStore(redis);
    const replies = [
      { key: 'a', text: '您好，请问您的手机号是 13812345678 吗？' },
      { key: 'b', text: 'two', quickReplies: [{ label: '是', value: 'yes' }] },
    ];
    const conv = `web:${uniqueUser()}`;
    const first = await store.beginTurn(conv, 'web:m1');
    if (first.kind !== 'ready') throw new Error('expected ready');
    await store.commitTurn(
      first.turn,
      { machineVersion: 1, snapshot: {}, locale: 'zh-CN', updatedAt: 1234 },
      replies,
      60_000,
      [
        { from: 'user', text: '我的号码 13812345678', at: 1200 },
        ...replies.map((r) => ({ from: 'bot' as const, text: r.text, at: 1200 })),
      ],
    );
    // The page reads the replies as sent, unmasked (they are the user's own); agents read them masked.
    expect(await outbox.list(conv)).toEqual(replies.map((r) => ({ ...r, at: 1200 })));
    expect(await outbox.list(conv, 1)).toEqual([{ ...replies[1], at: 1200 }]);
    const lines = await storedTranscript(conv);
    expect(lines.map((l) => `${l.from}:${l.text}`)).toEqual([
      'user:我的号码 138****5678',
      'bot:您好，请问您的手机号是 138****5678 吗？',
      'bot:two',
    ]);
    expect(await store.beginTurn(conv, 'web:m1')).toEqual({ kind: 'duplicate', replies });

    // No replies: an empty latest answer, and the history is left as it was.
    const second = await store.beginTurn(conv, 'web:m2');
    if (second.kind !== 'ready') throw new Error('expected ready');
    await store.commitTurn(
      second.turn,
      { machineVersion: 1, snapshot: {}, locale: 'zh-CN', updatedAt: 1300 },
      [],
      60_000,
    );
    expect(await store.beginTurn(conv, 'web:m2')).toEqual({ kind: 'duplicate', replies: [] });
    expect(await redis.llen(keys.transcript(conv))).toBe(3);
  });

  it("lists a conversation's outbox from before history first, then what its transcript sent since", async () => {
    const store = new RedisSessionStore(redis, { historyChannels: ['web'] });
    const outbox = new RedisOutboxStore(redis);
    const conv = `web:${uniqueUser()}`;
    const old = [{ key: 'x', text: '旧的', at: 5 }];
    await redis.rpush(keys.outbox(conv), ...old.map((m) => JSON.stringify(m)));
    // Its transcript's lines from then are the same words again, for agents: not listed twice.
    await redis.rpush(
      keys.transcript(conv),
      JSON.stringify({ from: 'user', text: '问', at: 4 }),
      JSON.stringify({ from: 'bot', text: '旧的', at: 5 }),
    );
    const start = await store.beginTurn(conv, 'web:m1');
    if (start.kind !== 'ready') throw new Error('expected ready');
    const reply = { key: 'y', text: '新的' };
    await store.commitTurn(
      start.turn,
      { machineVersion: 1, snapshot: {}, locale: 'zh-CN', updatedAt: 9 },
      [reply],
      60_000,
      [
        { from: 'user', text: '再问', at: 8 },
        { from: 'bot', text: '新的', at: 8 },
      ],
    );
    await outbox.append(conv, [{ key: 'z', text: '请稍后再试' }], 10);
    expect(await outbox.list(conv)).toEqual([...old, { ...reply, at: 8 }, { key: 'z', text: '请稍后再试', at: 10 }]);
    // The page asks for what came after what it has: counted without reading the lines before.
    await redis.rpush(keys.transcript(conv), JSON.stringify({ a: 'alice', t: '您好', at: 11 }));
    const all = await outbox.list(conv);
    expect(all.at(-1)).toMatchObject({ text: '您好', at: 11 });
    for (let after = 0; after <= all.length + 1; after++)
      expect(await outbox.list(conv, after)).toEqual(all.slice(after));
    await outbox.delete(conv);
    expect(await redis.exists(keys.outbox(conv), keys.transcript(conv))).toBe(0);
  });

  it("writes the bot's transcript lines as the replies say them, masked, whatever characters they hold", async () => {
    const store = new RedisSessionStore(redis, { historyChannels: ['web'] });
    const texts = [
      '好的，请问您的姓名是？',
      'a "quoted" \\ back/slash',
      'two\nlines\ttabbed',
      'emoji 😀 and a lone \ud800 half',
      '身份证 11010519491231002X 已收到',
      '',
    ];
    const replies = texts.map((text, i) => ({ key: `k${i}`, text }));
    const conv = `web:${uniqueUser()}`;
    const start = await store.beginTurn(conv, 'web:m1');
    if (start.kind !== 'ready') throw new Error('expected ready');
    const lines: TranscriptLine[] = [
      { from: 'user', text: '我的手机 13812345678', at: 7 },
      ...texts.map((text) => ({ from: 'bot' as const, text, at: 7 })),
      { from: 'bot', text: 'not a reply', at: 8 },
    ];
    await store.commitTurn(
      start.turn,
      { machineVersion: 1, snapshot: {}, locale: 'zh-CN', updatedAt: 7 },
      replies,
      60_000,
      lines,
    );
    const stored = await storedTranscript(conv);
    expect(stored).toEqual(lines.map(maskedLine));
    expect(stored[5]!.text).not.toContain('11010519491231002X');
  });

  it('keeps no replies as sent for a channel that is not listed: its transcript is masked text', async () => {
    const store = new RedisSessionStore(redis, { historyChannels: ['web'] });
    const conv = `line:${uniqueUser()}`;
    const start = await store.beginTurn(conv, 'line:m1');
    if (start.kind !== 'ready') throw new Error('expected ready');
    const replies = [{ key: 'a', text: '号码 13812345678', quickReplies: [{ label: '是', value: 'yes' }] }];
    await store.commitTurn(
      start.turn,
      { machineVersion: 1, snapshot: {}, locale: 'en', updatedAt: 1 },
      replies,
      60_000,
      [{ from: 'bot', text: replies[0]!.text, at: 1 }],
    );
    expect(await redis.lrange(keys.transcript(conv), 0, -1)).toEqual([
      JSON.stringify({ from: 'bot', text: '号码 138****5678', at: 1 }),
    ]);
    expect(await new RedisOutboxStore(redis).list(conv)).toEqual([]);
    expect(await store.beginTurn(conv, 'line:m1')).toEqual({ kind: 'duplicate', replies });
  });

  it("keeps a transcript's latest transcriptLimit lines, trimming only once it is over", async () => {
    const store = new RedisSessionStore(redis, { transcriptLimit: 5 });
    const conv = `line:${uniqueUser()}`;
    const lengths: number[] = [];
    for (let n = 1; n <= 4; n++) {
      const start = await store.beginTurn(conv, `line:m${n}`);
      if (start.kind !== 'ready') throw new Error('expected ready');
      await store.commitTurn(start.turn, { machineVersion: 1, snapshot: {}, locale: 'en', updatedAt: n }, [], 60_000, [
        { from: 'user', text: `q${n}`, at: n },
        { from: 'user', text: `r${n}`, at: n },
      ]);
      lengths.push(await redis.llen(keys.transcript(conv)));
    }
    expect(lengths).toEqual([2, 4, 5, 5]);
    const texts = (await redis.lrange(keys.transcript(conv), 0, -1)).map(
      (l) => readLine(JSON.parse(l) as TranscriptLine, undefined).text,
    );
    expect(texts).toEqual(['r2', 'q3', 'r3', 'q4', 'r4']);
  });
});

describe('RedisSessionStore held sessions', () => {
  const record = (who: string, turns: number): SessionRecord => ({
    machineVersion: 1,
    snapshot: { value: 'ready', context: { who, 姓名: '张三' } },
    locale: 'zh-CN',
    turns,
    updatedAt: turns,
  });
  /** Take the conversation's turn and save `session` in it; returns what the turn start handed over. */
  const turn = async (store: RedisSessionStore, conv: string, id: string, session?: SessionRecord) => {
    const start = await store.beginTurn(conv, `web:${id}`);
    if (start.kind !== 'ready') throw new Error(`expected ready, got ${start.kind}`);
    if (session) await store.commitTurn(start.turn, session, [], 60_000);
    else await store.abortTurn(start.turn);
    return start.session;
  };

  it('hands the next turn the very session this process committed while Redis holds it, stored with a revision load() leaves out', async () => {
    const store = new RedisSessionStore(redis);
    const conv = `web:${uniqueUser()}`;
    const mine = record('a', 1);
    await turn(store, conv, 'm1', mine);
    expect(await turn(store, conv, 'm2', record('a', 2))).toBe(mine);
    const raw = await redis.get(keys.session(conv));
    expect(raw).toMatch(/^\{"rev":"[\w-]+","machineVersion":1,/);
    expect(await store.load(conv)).toEqual(record('a', 2));
  });

  it('reads Redis when another process committed since, the session was deleted, or a turn was aborted', async () => {
    const other = createRedis(inject('redisUrl'));
    try {
      const [a, b] = [new RedisSessionStore(redis), new RedisSessionStore(other)];
      const conv = `web:${uniqueUser()}`;
      await turn(a, conv, 'm1', record('a', 1));
      expect(await turn(b, conv, 'm2', record('b', 2))).toEqual(record('a', 1));
      expect(await turn(a, conv, 'm3', record('a', 3))).toEqual(record('b', 2));

      await redis.del(keys.session(conv)); // erased or expired, behind this process's back
      expect(await turn(a, conv, 'm4', record('a', 4))).toBeUndefined();

      const held = await turn(a, conv, 'm5'); // aborted: nothing saved, nothing held
      expect(held).toEqual(record('a', 4));
      const again = await turn(a, conv, 'm6');
      expect(again).toEqual(record('a', 4));
      expect(again).not.toBe(held);
    } finally {
      await other.quit();
    }
  });

  it('holds at most heldSessions, the oldest-committed leaving first', async () => {
    const store = new RedisSessionStore(redis, { heldSessions: 2 });
    const convs = [1, 2, 3].map(() => `web:${uniqueUser()}`);
    const saved = convs.map((_, i) => record(`c${i}`, 1));
    for (const [i, conv] of convs.entries()) await turn(store, conv, 'm1', saved[i]);
    const back = [];
    for (const conv of convs) back.push(await turn(store, conv, 'm2'));
    expect(back).toEqual(saved);
    expect(back.map((s, i) => s === saved[i])).toEqual([false, true, true]);
  });
});

describe('MemorySessionStore housekeeping', () => {
  it('forgets expired sessions and seen message ids', async () => {
    let now = 0;
    const store = new MemorySessionStore(() => now, { turnWaitMs: 1000, dedupeTtlMs: 10_000 });
    const start = await store.beginTurn('web:a', 'm1');
    if (start.kind !== 'ready') throw new Error('expected ready');
    await store.commitTurn(start.turn, { machineVersion: 1, snapshot: {}, locale: 'en', updatedAt: 0 }, [], 5_000);
    now = 6_000;
    expect(await store.load('web:a')).toBeUndefined();
    now = 11_000;
    expect((await store.beginTurn('web:a', 'm1')).kind).toBe('ready');
  });
});
