import { describe, expect, it } from 'vitest';
import type { ApplicationDetails, Ticket } from '../../src/domain/ticket.js';
import type { NewTicket, TicketStore } from '../../src/store/ticket-store.js';

export interface TicketStoreHarness {
  store: TicketStore;
  cleanup(): Promise<void>;
}

// 2026-11-25 10:00 China time.
const AT = Date.UTC(2026, 10, 25, 2, 0, 0);
let users = 0;

const application = (userType: ApplicationDetails['userType'] = 'personal'): ApplicationDetails => ({
  userType,
  name: '张三',
  idNumber: '11010519491231002X',
  phone: '13812345678',
  address: { province: '广东省', city: '深圳市', detail: '南山区科技园1号' },
  consent: { at: AT, agreementVersion: '2026-01' },
});

function draft(
  kind: 'application' | 'feedback' = 'application',
  userId = `u${++users}-${Math.random().toString(36).slice(2)}`,
): NewTicket {
  const t: NewTicket = { kind, channel: 'web', userId, conversationId: `web:${userId}`, locale: 'zh-CN' };
  if (kind === 'application') t.application = application();
  else
    t.feedback = {
      type: 'complaint',
      category: 'signal',
      urgency: 'routine',
      description: '信号差',
      department: 'network',
      explanation: ['信号'],
    };
  return t;
}

async function rejects(p: Promise<unknown>): Promise<{ code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string };
  }
  throw new Error('expected a rejection');
}

/** The behaviour every TicketStore must have (STYLE.md section 3: one suite, every implementation). */
export function ticketStoreContract(name: string, make: () => Promise<TicketStoreHarness>): void {
  describe(`TicketStore contract: ${name}`, () => {
    const withStore = (fn: (store: TicketStore) => Promise<void>) => async () => {
      const h = await make();
      try {
        await fn(h.store);
      } finally {
        await h.cleanup();
      }
    };

    it(
      'numbers applications YD and feedback FK + China date + a per-kind daily sequence',
      withStore(async (store) => {
        const a1 = await store.create(draft(), AT, 'k1');
        const a2 = await store.create(draft(), AT + 1, 'k2');
        const f1 = await store.create(draft('feedback'), AT + 2, 'k3');
        expect([a1.number, a2.number, f1.number]).toEqual(['YD261125000001', 'YD261125000002', 'FK261125000001']);
        // 16:30 UTC is already the next day in China: the sequence starts again.
        const next = await store.create(draft(), Date.UTC(2026, 10, 25, 16, 30), 'k4');
        expect(next.number).toBe('YD261126000001');
      }),
    );

    it(
      'starts a ticket in its first status with one history line, and keeps what it was given',
      withStore(async (store) => {
        const d = draft();
        const t = await store.create(d, AT, 'k');
        expect(t).toMatchObject({
          kind: 'application',
          status: 'submitted',
          createdAt: AT,
          userId: d.userId,
          channel: 'web',
        });
        expect(t.history).toEqual([{ at: AT, from: null, to: 'submitted', by: 'user' }]);
        expect(t.application).toEqual(d.application);
        expect((await store.create(draft('feedback'), AT, 'kf')).status).toBe('received');
        expect(await store.get(t.number)).toEqual(t);
        expect(await store.get('YD261125999999')).toBeUndefined();
      }),
    );

    it(
      'creates once per idempotency key: a redelivered message gets the same ticket',
      withStore(async (store) => {
        const d = draft();
        const first = await store.create(d, AT, 'turn-1');
        const again = await store.create(d, AT + 5000, 'turn-1');
        const racing = await Promise.all(Array.from({ length: 10 }, () => store.create(d, AT, 'turn-2')));
        expect(again).toEqual(first);
        expect(new Set(racing.map((t) => t.number)).size).toBe(1);
        expect(await store.listByUser('web', d.userId)).toHaveLength(2);
      }),
    );

    it(
      'makes a first move with the creation: its history line after the creation, indexed by the new status',
      withStore(async (store) => {
        const t = await store.create(
          { ...draft('feedback'), then: { to: 'classified', by: 'system', note: 'category: billing' } },
          AT,
          'then-1',
        );
        expect(t.status).toBe('classified');
        expect(t.history).toEqual([
          { at: AT, from: null, to: 'received', by: 'user' },
          { at: AT, from: 'received', to: 'classified', by: 'system', note: 'category: billing' },
        ]);
        expect(await store.get(t.number)).toEqual(t);
        expect((await store.list({ kind: 'feedback', status: 'classified' })).map((x) => x.number)).toContain(t.number);
        expect((await store.list({ kind: 'feedback', status: 'received' })).map((x) => x.number)).not.toContain(
          t.number,
        );
        // The lifecycle still decides: a move it does not allow makes no ticket.
        await expect(store.create({ ...draft(), then: { to: 'closed', by: 'system' } }, AT, 'then-2')).rejects.toThrow(
          /not allowed/,
        );
        expect(await store.create(draft(), AT, 'then-2')).toMatchObject({ status: 'submitted' });
      }),
    );

    it(
      'starts the work alongside a create with the new ticket; for a replay only with a ticket not kept',
      withStore(async (store) => {
        const seen: Ticket[] = [];
        const alongside = async (t: Ticket) => void seen.push(t);
        const first = await store.create(draft(), AT, 'with-1', alongside);
        expect(seen).toEqual([first]);
        expect(await store.create(draft(), AT + 1, 'with-1', alongside)).toEqual(first);
        // A store that sends it with the create runs it on a replay too, with a ticket it does not keep.
        for (const extra of seen.slice(1)) {
          expect(extra.number).not.toBe(first.number);
          expect(await store.get(extra.number)).toBeUndefined();
        }
        // What it does to the ticket it was given is its own affair: the store keeps its copy.
        seen[0]!.status = 'closed';
        expect((await store.get(first.number))?.status).toBe('submitted');
        // A failure alongside fails the create, whose ticket a redelivery then finds.
        const failing = store.create(draft(), AT, 'with-2', async () => {
          throw new Error('timer store down');
        });
        await expect(failing).rejects.toThrow('timer store down');
        const before = seen.length;
        const retried = await store.create(draft(), AT, 'with-2', alongside);
        expect(retried.number).toMatch(/^YD261125\d{6}$/);
        expect(await store.get(retried.number)).toEqual(retried);
        expect(seen.slice(before).filter((t) => t.number === retried.number)).toEqual([]);
      }),
    );

    it(
      'an update from a ticket read before another change loses neither change',
      withStore(async (store) => {
        const t = await store.create(draft(), AT, 'known-1');
        const seen = (await store.get(t.number))!;
        await store.transition(t.number, 'under_review', 'admin:li', AT + 1);
        const flagged = await store.update(t.number, (x) => ({ ...x, overdue: true }), { known: seen });
        expect(flagged).toMatchObject({ status: 'under_review', overdue: true });
        expect(await store.get(t.number)).toEqual(flagged);
        // From a current one (as listed), straight away.
        const listed = (await store.listByUser('web', t.userId)).find((x) => x.number === t.number)!;
        const cleared = await store.update(t.number, (x) => ({ ...x, overdue: false }), { known: listed });
        expect(cleared).toMatchObject({ status: 'under_review', overdue: false });
        expect((await store.get(t.number))?.history).toHaveLength(2);
      }),
    );

    it(
      'moves along the lifecycle with who, when and why in the history; refuses illegal moves',
      withStore(async (store) => {
        const t = await store.create(draft(), AT, 'k');
        await store.transition(t.number, 'under_review', 'admin:li', AT + 1);
        const rejected = await store.transition(t.number, 'rejected', 'admin:li', AT + 2, '材料不全');
        expect(rejected.status).toBe('rejected');
        expect(rejected.history.at(-1)).toEqual({
          at: AT + 2,
          from: 'under_review',
          to: 'rejected',
          by: 'admin:li',
          note: '材料不全',
        });
        expect((await rejects(store.transition(t.number, 'active', 'admin:li', AT + 3))).code).toBe(
          'KEFU_ILLEGAL_TRANSITION',
        );
        expect((await rejects(store.transition('YD261125999999', 'active', 'x', AT))).code).toBe('KEFU_UNKNOWN_TICKET');
        expect((await store.get(t.number))?.history).toHaveLength(3);
      }),
    );

    it(
      'loses no update under 50 concurrent read-change-writes of one ticket',
      withStore(async (store) => {
        const t = await store.create(draft(), AT, 'k');
        await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.update(t.number, (cur) => ({ ...cur, deadlines: { ...cur.deadlines, [`d${i}`]: i } })),
          ),
        );
        expect(Object.keys((await store.get(t.number))!.deadlines)).toHaveLength(50);
      }),
    );

    it(
      'lets exactly one of 50 concurrent identical transitions through',
      withStore(async (store) => {
        const t = await store.create(draft(), AT, 'k');
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) => store.transition(t.number, 'under_review', `admin:${i}`, AT + i)),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(new Set(failures.map((f) => (f.reason as { code?: string }).code))).toEqual(
          new Set(['KEFU_ILLEGAL_TRANSITION']),
        );
        expect((await store.get(t.number))!.history).toHaveLength(2);
      }),
    );

    it(
      "lists a user's tickets newest first, and only theirs",
      withStore(async (store) => {
        const d = draft();
        const older = await store.create(d, AT, 'a');
        const newer = await store.create(
          { ...d, kind: 'feedback', feedback: draft('feedback').feedback! },
          AT + 10,
          'b',
        );
        await store.create(draft(), AT + 20, 'c');
        expect((await store.listByUser('web', d.userId)).map((t) => t.number)).toEqual([newer.number, older.number]);
        expect(await store.listByUser('line', d.userId)).toEqual([]);
      }),
    );

    it(
      'finds tickets by kind and status, following status changes, newest first, with a limit',
      withStore(async (store) => {
        const a = await store.create(draft(), AT, 'a');
        const b = await store.create(draft(), AT + 1, 'b');
        const f = await store.create(draft('feedback'), AT + 2, 'f');
        await store.transition(a.number, 'under_review', 'admin:x', AT + 3);
        const numbers = async (q: Parameters<TicketStore['list']>[0]) => (await store.list(q)).map((t) => t.number);
        expect(await numbers({ kind: 'application', status: 'submitted' })).toEqual([b.number]);
        expect(await numbers({ kind: 'application', status: 'under_review' })).toEqual([a.number]);
        expect(await numbers({ kind: 'application' })).toEqual([b.number, a.number]);
        expect(await numbers({ status: 'received' })).toEqual([f.number]);
        expect(await numbers({})).toEqual([f.number, b.number, a.number]);
        expect(await numbers({ limit: 2 })).toEqual([f.number, b.number]);
        expect(await store.counts()).toMatchObject({
          application: { submitted: 1, under_review: 1 },
          feedback: { received: 1 },
        });
      }),
    );

    it(
      'hands out copies: changing a returned ticket changes nothing stored',
      withStore(async (store) => {
        const t = await store.create(draft(), AT, 'k');
        t.status = 'closed';
        t.history.push({ at: 0, from: null, to: 'closed', by: 'x' });
        const stored = (await store.get(t.number))!;
        expect(stored.status).toBe('submitted');
        expect(stored.history).toHaveLength(1);
      }),
    );
  });
}
