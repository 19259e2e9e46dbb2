import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createRedis } from '../../src/store/redis-client.js';
import { MemoryTicketStore } from '../../src/store/memory-ticket-store.js';
import { RedisTicketStore } from '../../src/store/redis-ticket-store.js';
import type { NewTicket } from '../../src/store/ticket-store.js';
import { ticketStoreContract } from './ticket-store.contract.js';

ticketStoreContract('memory', async () => ({ store: new MemoryTicketStore(), cleanup: async () => {} }));

ticketStoreContract('redis', async () => {
  const redis = createRedis(inject('redisUrl'));
  // A namespace per test: they share one redis-server and count tickets by status.
  return {
    store: new RedisTicketStore(redis, { namespace: `t-${randomUUID()}` }),
    cleanup: async () => void (await redis.quit()),
  };
});

describe('RedisTicketStore across processes', () => {
  it('two clients allocating numbers at once never hand out the same one', async () => {
    const namespace = `t-${randomUUID()}`;
    const [r1, r2] = [createRedis(inject('redisUrl')), createRedis(inject('redisUrl'))];
    const stores = [new RedisTicketStore(r1, { namespace }), new RedisTicketStore(r2, { namespace })];
    const at = Date.UTC(2026, 10, 25, 2);
    const draft = (i: number): NewTicket => ({
      kind: 'application',
      channel: 'web',
      userId: `u${i}`,
      conversationId: `web:u${i}`,
      locale: 'en',
    });
    try {
      const created = await Promise.all(
        Array.from({ length: 60 }, (_, i) => stores[i % 2]!.create(draft(i), at, `key-${i}`)),
      );
      const numbers = created.map((t) => t.number);
      expect(new Set(numbers).size).toBe(60);
      expect(numbers.every((n) => /^YD261125\d{6}$/.test(n))).toBe(true);
      // Every number points at the ticket that got it, whichever client wrote it.
      for (const [i, t] of created.entries()) expect((await stores[(i + 1) % 2]!.get(t.number))?.userId).toBe(`u${i}`);
    } finally {
      await Promise.all([r1.quit(), r2.quit()]);
    }
  });

  it('a create replayed after its script ran returns the stored ticket without writing another', async () => {
    const redis = createRedis(inject('redisUrl'));
    const namespace = `t-${randomUUID()}`;
    const store = new RedisTicketStore(redis, { namespace });
    const draft: NewTicket = {
      kind: 'feedback',
      channel: 'line',
      userId: 'x',
      conversationId: 'line:x',
      locale: 'zh-TW',
    };
    try {
      const first = await store.create(draft, 1_800_000_000_000, 'line:msg-1');
      // Another process (its own store object) sees the same redelivered message.
      const again = await new RedisTicketStore(redis, { namespace }).create(draft, 1_800_000_000_000, 'line:msg-1');
      expect(again.number).toBe(first.number);
      expect(await store.counts()).toMatchObject({ feedback: { received: 1 } });
    } finally {
      await redis.quit();
    }
  });
});
