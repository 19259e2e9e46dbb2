import { describe, expect, it } from 'vitest';
import type { SessionRecord, SessionStore } from '../../src/core/ports.js';
import { uniqueUser } from '../support/kefu.js';

const record = (n: number): SessionRecord => ({
  machineVersion: 1,
  snapshot: { n },
  locale: 'zh-CN',
  turns: n,
  updatedAt: n,
});

/** The behaviour every SessionStore must have (STYLE.md section 3: one contract suite). */
export function sessionStoreContract(name: string, make: () => Promise<SessionStore> | SessionStore) {
  describe(`SessionStore contract: ${name}`, () => {
    it('starts a new conversation with no session and saves it on commit', async () => {
      const store = await make();
      const conv = `web:${uniqueUser()}`;
      const start = await store.beginTurn(conv, 'm1');
      expect(start.kind).toBe('ready');
      if (start.kind !== 'ready') return;
      expect(start.session).toBeUndefined();
      await store.commitTurn(start.turn, record(1), [{ key: 'k', text: 'hi' }], 60_000);
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
      await store.commitTurn(first.turn, record(1), [{ key: 'a', text: 'answer' }], 60_000);
      const again = await store.beginTurn(conv, 'same');
      expect(again).toEqual({ kind: 'duplicate', replies: [{ key: 'a', text: 'answer' }] });
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
        await new Promise((r) => setTimeout(r, 5));
        await store.commitTurn(start.turn, record(1), [{ key: 'x', text: 'x' }], 60_000);
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
  });
}
