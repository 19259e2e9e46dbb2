import { pino } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { SlaDeadlines } from '../../src/notify/deadlines.js';
import { Notify } from '../../src/notify/notify.js';
import { createRedis } from '../../src/store/redis-client.js';
import { RedisTicketStore } from '../../src/store/redis-ticket-store.js';
import { recordWrites } from '../support/redis-writes.js';
import { HOUR, MONDAY_10, clockAt, delayNotices, kefuWith, outbox, submitApplication } from './helpers.js';

let kefu: Kefu | undefined;
afterEach(async () => {
  await kefu?.close();
  kefu = undefined;
});

describe('review deadline with a controllable clock (in-memory stores)', () => {
  it('a review deadline that passes sends exactly one delay notice, flags the ticket and counts it', async () => {
    const clock = clockAt(MONDAY_10);
    kefu = await kefuWith(clock);
    const ticket = await submitApplication(kefu, 'late-1', clock.t);
    // Two working days (18 business hours) from Monday 10:00 is Wednesday 10:00.
    expect(ticket.deadlines.review).toBe(Date.parse('2026-11-25T10:00:00+08:00'));
    expect(ticket.deadlines.acknowledge).toBe(MONDAY_10 + HOUR / 4);

    clock.t = ticket.deadlines.review! - 1;
    await kefu.notify.scheduler.tick();
    expect(delayNotices(await outbox(kefu, 'late-1'))).toHaveLength(0);

    clock.t = ticket.deadlines.review!;
    await kefu.notify.scheduler.tick();
    await kefu.notify.scheduler.tick();
    clock.t += 10 * HOUR;
    await kefu.notify.scheduler.tick();

    const notices = delayNotices(await outbox(kefu, 'late-1'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain(ticket.number);
    // A new expected time: one more working day, Thursday 10:00.
    expect(notices[0]!.text).toContain('2026-11-26 10:00');
    const after = await kefu.tickets.get(ticket.number);
    expect(after?.overdue).toBe(true);
    expect(after?.deadlines.reviewExpected).toBe(Date.parse('2026-11-26T10:00:00+08:00'));
    expect(await kefu.notify.getSlaCounters()).toMatchObject({
      overdue: 1,
      'overdue.application': 1,
      'overdue.application.review': 1,
    });
  });

  it('a review completed in time cancels the timer: no delay notice, the next step gets its own deadline', async () => {
    const clock = clockAt(MONDAY_10);
    kefu = await kefuWith(clock);
    const ticket = await submitApplication(kefu, 'ontime-1', clock.t);
    clock.t += 2 * HOUR;
    await kefu.tickets.transition(ticket.number, 'under_review', 'admin:li', clock.t);
    clock.t += 2 * HOUR;
    const approved = await kefu.tickets.transition(ticket.number, 'approved', 'admin:li', clock.t);
    expect(
      await kefu.notify.store.get(SlaDeadlines.timerId(ticket.number, 'review', ticket.deadlines.review!)),
    ).toBeUndefined();
    expect(approved.deadlines.activation).toBeGreaterThan(clock.t);

    clock.t = ticket.deadlines.review! + HOUR;
    await kefu.notify.scheduler.tick();
    expect(delayNotices(await outbox(kefu, 'ontime-1'))).toHaveLength(0);
    expect((await kefu.tickets.get(ticket.number))?.overdue).toBeFalsy();
    expect(await kefu.notify.getSlaCounters()).toEqual({});
  });
});

describe('creating a ticket with its deadline (Redis)', () => {
  it('takes one round trip: the ticket and its timer in one write (numbers come a block at a time)', async () => {
    const own = createRedis(inject('redisUrl'));
    try {
      const clock = clockAt(MONDAY_10);
      const notify = new Notify({ redis: own, clock, logger: pino({ level: 'silent' }) });
      const tickets = notify.trackTickets(
        new RedisTicketStore(own, { namespace: `trips-${process.pid}-${Date.now()}` }),
      );
      const kefuLike = { tickets } as unknown as Kefu;
      // Scripts loaded on this connection, and the day's first block of numbers taken.
      await submitApplication(kefuLike, 'trips-warm', clock.t);
      const writes = recordWrites(own);
      const ticket = await submitApplication(kefuLike, 'trips-1', clock.t);
      expect(writes.map((w) => w.map((c) => c.name))).toEqual([['evalsha', 'evalsha']]);
      // Both landed: the ticket, and the timer of the step it waits on (review).
      expect(await tickets.get(ticket.number)).toEqual(ticket);
      const timer = await notify.store.get(SlaDeadlines.timerId(ticket.number, 'review', ticket.deadlines.review!));
      expect(timer?.at).toBe(ticket.deadlines.review);
    } finally {
      own.disconnect();
    }
  });
});
