import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TICKET_NUMBER, type ApplicationDetails } from '../../src/domain/ticket.js';
import { createRedis } from '../../src/store/redis-client.js';
import { RedisTicketStore } from '../../src/store/redis-ticket-store.js';
import type { NewTicket } from '../../src/store/ticket-store.js';
import { recordWrites } from '../support/redis-writes.js';

const AT = Date.UTC(2026, 10, 25, 2, 0, 0);
const application: ApplicationDetails = {
  userType: 'personal',
  name: '张三',
  idNumber: '11010519491231002X',
  phone: '13812345678',
  address: { province: '广东省', city: '深圳市', detail: '南山区科技园1号' },
  consent: { at: 0, agreementVersion: '2026-11-v1' },
};
const draft = (userId: string): NewTicket => ({
  kind: 'application',
  channel: 'web',
  userId,
  conversationId: `web:${userId}`,
  locale: 'zh-CN',
  application,
});

/** Ticket numbers come from the day's sequence a block at a time (src/store/ticket-numbers.ts). */
describe('ticket numbers taken in blocks (Redis)', () => {
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    a = createRedis(inject('redisUrl'));
    b = createRedis(inject('redisUrl'));
    await Promise.all([a.ping(), b.ping()]);
  });
  afterAll(() => {
    a.disconnect();
    b.disconnect();
  });

  it('are unique across processes, and in order within each', async () => {
    const namespace = `numbers-${process.pid}-${Date.now()}`;
    // Two processes' stores on one sequence, creating at once.
    const stores = [new RedisTicketStore(a, { namespace }), new RedisTicketStore(b, { namespace })];
    const made = await Promise.all(
      stores.map(async (store, s) => {
        const numbers: string[] = [];
        for (let i = 0; i < 45; i++) numbers.push((await store.create(draft(`p${s}`), AT, `p${s}-${i}`)).number);
        return numbers;
      }),
    );
    const all = made.flat();
    expect(new Set(all).size).toBe(90);
    for (const n of all) expect(n).toMatch(TICKET_NUMBER);
    for (const numbers of made) expect([...numbers].sort()).toEqual(numbers);
    // Every number is the day's: YD + 261125 + the sequence.
    expect(all.every((n) => n.startsWith('YD261125'))).toBe(true);
  });

  it('come without a round trip of their own: the next block of 20 goes with a create', async () => {
    const namespace = `blocks-${process.pid}-${Date.now()}`;
    const store = new RedisTicketStore(a, { namespace });
    await store.create(draft('warm'), AT, 'warm'); // the first block, and the scripts loaded
    const writes = recordWrites(a);
    const numbers: string[] = [];
    for (let i = 0; i < 40; i++) numbers.push((await store.create(draft('u'), AT, `k${i}`)).number);
    // One write a ticket; while half a block is left, the next one is taken in a create's write.
    expect(writes).toHaveLength(40);
    expect(writes.filter((w) => w.some((c) => c.name === 'incrby'))).toHaveLength(2);
    expect(writes.every((w) => w.some((c) => c.name === 'evalsha'))).toBe(true);
    expect(numbers[0]).toBe('YD261125000002');
    expect(numbers.at(-1)).toBe('YD261125000041');
    const tomorrow = await store.create(draft('u'), AT + 86_400_000, 'next-day');
    expect(tomorrow.number).toBe('YD261126000001');
  });

  it('a replay returns the ticket made the first time (its new number is left unused)', async () => {
    const store = new RedisTicketStore(a, { namespace: `replay-${process.pid}-${Date.now()}` });
    const first = await store.create(draft('r'), AT, 'same');
    const again = await store.create(draft('r'), AT + 1000, 'same');
    expect(again).toEqual(first);
    expect(await store.listByUser('web', 'r')).toHaveLength(1);
    expect((await store.create(draft('r'), AT, 'other')).number).toBe('YD261125000003');
  });
});
