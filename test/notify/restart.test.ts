import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { HOUR, MONDAY_10, clockAt, delayNotices, kefuWith, outbox, submitApplication } from './helpers.js';

// A private redis-server: timers and SLA counters are global keys, and other test files run fake clocks.
let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

async function flush() {
  const r = new Redis(server.url);
  await r.flushall();
  r.disconnect();
}

describe('durable timers on Redis', () => {
  it('a timer scheduled before a restart fires once in the new instance', async () => {
    await flush();
    const clock = clockAt(MONDAY_10);
    const first = await kefuWith(clock, server.url);
    const ticket = await submitApplication(first, 'restart-1', clock.t);
    await first.close();

    clock.t = ticket.deadlines.review! + HOUR;
    const second = await kefuWith(clock, server.url);
    try {
      expect(await second.notify.scheduler.tick()).toBe(1);
      expect(await second.notify.scheduler.tick()).toBe(0);
      const notices = delayNotices(await outbox(second, 'restart-1'));
      expect(notices).toHaveLength(1);
      expect(notices[0]!.text).toContain(ticket.number);
      expect((await second.tickets.get(ticket.number))?.overdue).toBe(true);
      expect((await second.notify.getSlaCounters())['overdue.application.review']).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('two instances on one Redis: each timer fires once', async () => {
    await flush();
    const clock = clockAt(MONDAY_10);
    const a = await kefuWith(clock, server.url);
    const b = await kefuWith(clock, server.url);
    try {
      const users = Array.from({ length: 6 }, (_, i) => `twin-${i}`);
      const tickets = await Promise.all(users.map((u, i) => submitApplication(i % 2 ? a : b, u, clock.t)));
      clock.t = tickets[0]!.deadlines.review! + HOUR;
      const fired = await Promise.all([
        a.notify.scheduler.tick(),
        b.notify.scheduler.tick(),
        a.notify.scheduler.tick(),
        b.notify.scheduler.tick(),
      ]);
      expect(fired.reduce((x, y) => x + y, 0)).toBe(users.length);
      for (const u of users) expect(delayNotices(await outbox(a, u))).toHaveLength(1);
      expect((await a.notify.getSlaCounters()).overdue).toBe(users.length);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a retried fire of the same timer (lease ran out mid-delivery) is a no-op', async () => {
    await flush();
    const clock = clockAt(MONDAY_10);
    const kefu = await kefuWith(clock, server.url);
    try {
      const ticket = await submitApplication(kefu, 'refire-1', clock.t);
      clock.t = ticket.deadlines.review!;
      await kefu.notify.scheduler.tick();
      // The same timer delivered again, as after a crash between dispatch and ack.
      const timerId = `sla:${ticket.number}:review:${ticket.deadlines.review!}`;
      await kefu.notify.scheduler.schedule({
        id: timerId,
        timerId,
        at: ticket.deadlines.review!,
        target: { conversationId: 'web:refire-1', channel: 'web', userId: 'refire-1', locale: 'zh-CN' },
      });
      expect(await kefu.notify.scheduler.tick()).toBe(1);
      expect(delayNotices(await outbox(kefu, 'refire-1'))).toHaveLength(1);
      expect((await kefu.notify.getSlaCounters()).overdue).toBe(1);
    } finally {
      await kefu.close();
    }
  });
});
