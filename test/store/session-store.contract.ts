import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/core/message.js';
import type { SessionRecord, SessionStore, TranscriptLine } from '../../src/core/ports.js';
import { uniqueUser } from '../support/kefu.js';

const record = (n: number): SessionRecord => ({
  machineVersion: 1,
  snapshot: { n },
  locale: 'zh-CN',
  turns: n,
  updatedAt: n,
});

/** The behaviour every SessionStore must have (STYLE.md section 3: one contract suite). */
export function sessionStoreContract(
  name: string,
  make: () => Promise<SessionStore> | SessionStore,
  /** Where this store's commits put transcript lines, read back. */
  transcriptOf: (conversationId: string) => Promise<TranscriptLine[]>,
  /** The replies turns send: built by hand unless the store is meant to keep the catalog's as recipes. */
  reply: (which: 'hi' | 'answer' | 'ok') => OutboundMessage = (which) => ({
    key: which,
    text: { hi: 'hi', answer: 'answer', ok: '好的' }[which],
  }),
) {
  describe(`SessionStore contract: ${name}`, () => {
    it('starts a new conversation with no session and saves it on commit', async () => {
      const store = await make();
      const conv = `web:${uniqueUser()}`;
      const start = await store.beginTurn(conv, 'm1');
      expect(start.kind).toBe('ready');
      if (start.kind !== 'ready') return;
      expect(start.session).toBeUndefined();
      await store.commitTurn(start.turn, record(1), [reply('hi')], 60_000);
      expect(await store.load(conv)).toEqual(record(1));
      const next = await store.beginTurn(conv, 'm2');
      expect(next.kind === 'ready' && next.session).toEqual(record(1));
      if (next.kind === 'ready') await store.abortTurn(next.turn);
    });

    it('answers a message id seen before with the replies of the first time, without a turn', async () => {
      const store = await make();
      const conv = `web:${uniqueUser()}`;
      const first = await store.beginTurn(conv, 'same');
      if (first.kind !== 'ready') throw new Error('expected ready');
      const answer = reply('answer');
      await store.commitTurn(first.turn, record(1), [answer], 60_000);
      const again = await store.beginTurn(conv, 'same');
      expect(again).toEqual({ kind: 'duplicate', replies: [{ ...answer }] });
    });

    it('does not remember a message whose turn was aborted, so a redelivery is processed', async () => {
      const store = await make();
      const conv = `web:${uniqueUser()}`;
      const first = await store.beginTurn(conv, 'm');
      if (first.kind !== 'ready') throw new Error('expected ready');
      await store.abortTurn(first.turn);
      const again = await store.beginTurn(conv, 'm');
      expect(again.kind).toBe('ready');
      if (again.kind === 'ready') await store.abortTurn(again.turn);
      expect(await store.load(conv)).toBeUndefined();
    });

    it('runs concurrent turns of one conversation one at a time, in arrival order, with no lost update', async () => {
      const store = await make();
      const conv = `web:${uniqueUser()}`;
      const order: number[] = [];
      const turns = Array.from({ length: 30 }, (_, i) =>
        (async () => {
          const start = await store.beginTurn(conv, `m${i}`);
          if (start.kind !== 'ready') throw new Error('expected ready');
          const n = (start.session?.turns ?? 0) + 1;
          order.push(start.turn.seq);
          await new Promise((r) => setTimeout(r, 1));
          await store.commitTurn(start.turn, record(n), [], 60_000);
          return start.turn.seq;
        })(),
      );
      const seqs = await Promise.all(turns);
      expect(new Set(seqs).size).toBe(30);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect((await store.load(conv))?.turns).toBe(30);
    });

    it('treats a second delivery racing the first as a duplicate once the first commits', async () => {
      const store = await make();
      const conv = `web:${uniqueUser()}`;
      const run = async () => {
        const start = await store.beginTurn(conv, 'racing');
        if (start.kind === 'duplicate') return 'duplicate';
        if (start.kind !== 'ready') throw new Error(start.kind);
        await new Promise((r) => setTimeout(r, 5));
        await store.commitTurn(start.turn, record(1), [reply('hi')], 60_000);
        return 'processed';
      };
      const results = await Promise.all([run(), run()]);
      expect(results.sort()).toEqual(['duplicate', 'processed']);
    });

    it('keeps conversations apart', async () => {
      const store = await make();
      const a = `web:${uniqueUser()}`;
      const b = `web:${uniqueUser()}`;
      const ta = await store.beginTurn(a, 'm');
      const tb = await store.beginTurn(b, 'm');
      expect(ta.kind).toBe('ready');
      expect(tb.kind).toBe('ready');
      if (ta.kind === 'ready') await store.commitTurn(ta.turn, record(7), [], 60_000);
      if (tb.kind === 'ready') await store.commitTurn(tb.turn, record(8), [], 60_000);
      expect((await store.load(a))?.turns).toBe(7);
      expect((await store.load(b))?.turns).toBe(8);
      await store.delete(a);
      expect(await store.load(a)).toBeUndefined();
      expect(await store.ping()).toBe(true);
    });

    it('refuses a new message over the limit in the turn start, counting neither duplicates nor other conversations', async () => {
      const store = await make();
      const conv = `web:${uniqueUser()}`;
      const limit = { perMinute: 2 };
      for (const id of ['m1', 'm2']) {
        const start = await store.beginTurn(conv, id, limit);
        expect(start.kind).toBe('ready');
        if (start.kind === 'ready') await store.commitTurn(start.turn, record(1), [{ key: 'k', text: id }], 60_000);
      }
      // A redelivery is answered as before, not counted and not refused.
      expect((await store.beginTurn(conv, 'm2', limit)).kind).toBe('duplicate');
      const over = await store.beginTurn(conv, 'm3', limit);
      expect(over.kind).toBe('limited');
      if (over.kind === 'limited') {
        expect(over.retryAfterMs).toBeGreaterThan(0);
        expect(over.retryAfterMs).toBeLessThanOrEqual(60_000);
      }
      // No turn was taken: the conversation is not blocked for turns that are not limited.
      const unlimited = await store.beginTurn(conv, 'm4');
      expect(unlimited.kind).toBe('ready');
      if (unlimited.kind === 'ready') await store.abortTurn(unlimited.turn);
      const other = await store.beginTurn(`web:${uniqueUser()}`, 'm1', limit);
      expect(other.kind).toBe('ready');
      if (other.kind === 'ready') await store.abortTurn(other.turn);
    });

    it('appends the turn lines to the transcript with the commit, masked, and not for an aborted turn', async () => {
      const store = await make();
      const conv = `web:${uniqueUser()}`;
      const first = await store.beginTurn(conv, 'm1');
      if (first.kind !== 'ready') throw new Error(first.kind);
      const ok = reply('ok');
      await store.commitTurn(first.turn, record(1), [ok], 60_000, [
        { from: 'user', text: '我的手机13812345678', at: 1 },
        { from: 'bot', text: ok.text, at: 1 },
      ]);
      const second = await store.beginTurn(conv, 'm2');
      if (second.kind !== 'ready') throw new Error(second.kind);
      await store.abortTurn(second.turn);
      const lines = await transcriptOf(conv);
      expect(lines.map((l) => [l.from, l.at])).toEqual([
        ['user', 1],
        ['bot', 1],
      ]);
      expect(lines[0]!.text).not.toContain('13812345678');
      expect(lines[0]!.text).toMatch(/^我的手机138\*+5678$/);
      expect(lines[1]!.text).toBe(ok.text);
    });
  });
}
