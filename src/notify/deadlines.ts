import type { Logger } from 'pino';
import { deferOrRun } from '../core/effect.js';
import { formatCst, stepOf, type Sla, type SlaStep } from '../domain/sla-policy.js';
import { transitionTicket, type Ticket, type TicketStatus } from '../domain/ticket.js';
import type { NewTicket, TicketCounts, TicketQuery, TicketStore, UpdateOptions } from '../store/ticket-store.js';
import type { NotifyStore } from './notify-store.js';
import type { Scheduler } from './scheduler.js';

const SLA_PREFIX = 'sla:';
/** Where the new expected time of a late step is kept among the ticket's deadlines. */
export const expectedKey = (step: SlaStep) => `${step}Expected`;

/** What a delay notice says: which ticket, which step, and the new expected time (CST). */
export interface DelayNotice {
  [key: string]: string;
  number: string;
  step: SlaStep;
  due: string;
}

/**
 * The promises of SERVICE_PROCESS.md section 3 kept: every ticket step with a deadline has a
 * durable timer; a step completed in time cancels it; a step that is late flags the ticket
 * overdue, is counted once, and yields the delay notice for the user.
 */
export class SlaDeadlines {
  constructor(
    private readonly o: {
      sla: Sla;
      scheduler: Scheduler;
      store: NotifyStore;
      tickets: () => TicketStore;
      logger: Logger;
    },
  ) {}

  /** `sla:<number>:<step>:<due>`: unique per step occurrence, so a reopened step gets a new timer. */
  static timerId(number: string, step: SlaStep, due: number): string {
    return `${SLA_PREFIX}${number}:${step}:${due}`;
  }

  static parse(timerId: string): { number: string; step: SlaStep; due: number } | undefined {
    const m = /^sla:([A-Z]{2}\d{12}):([a-z]+):(\d+)$/.exec(timerId);
    return m ? { number: m[1]!, step: m[2] as SlaStep, due: Number(m[3]) } : undefined;
  }

  static isSlaTimer(id: string): boolean {
    return id.startsWith(SLA_PREFIX);
  }

  /** Deadlines for a ticket about to be created (its first step), the caller's own winning. */
  initialDeadlines(ticket: NewTicket, at: number): Record<string, number> {
    const status: TicketStatus = ticket.then?.to ?? (ticket.kind === 'application' ? 'submitted' : 'received');
    const step = stepOf(ticket.kind, status);
    const computed = step ? this.o.sla.deadlinesFor(ticket.kind, step, at, ticket.feedback?.urgency) : {};
    return { ...(computed as Record<string, number>), ...ticket.deadlines };
  }

  /**
   * `ticket`, moved from `from` and not yet written: the deadline of the step it now waits on,
   * with the late flag cleared; as it is when the step did not change. Pure, so that it goes
   * into the same write as the move.
   */
  withNewStep(from: TicketStatus, ticket: Ticket): Ticket {
    const due = this.newStepDue(from, ticket);
    if (!due) return ticket;
    const deadlines = { ...ticket.deadlines, [due.step]: due.at };
    delete deadlines[expectedKey(due.step)];
    return { ...ticket, deadlines, overdue: false };
  }

  /** After a move from `from` was written: the old step's timer out and the new one's in, in one write. */
  async rearm(from: TicketStatus, ticket: Ticket): Promise<void> {
    const before = stepOf(ticket.kind, from);
    if (before === stepOf(ticket.kind, ticket.status)) return;
    const due = this.newStepDue(from, ticket);
    await Promise.all([
      before && ticket.deadlines[before] !== undefined
        ? this.o.scheduler.cancel(SlaDeadlines.timerId(ticket.number, before, ticket.deadlines[before]))
        : undefined,
      due && ticket.deadlines[due.step] === due.at ? this.schedule(ticket, due.step) : undefined,
    ]);
  }

  /** The step a move from `from` starts, and its deadline from the move's time; none when the step stays. */
  private newStepDue(from: TicketStatus, ticket: Ticket): { step: SlaStep; at: number } | undefined {
    const step = stepOf(ticket.kind, ticket.status);
    if (!step || stepOf(ticket.kind, from) === step) return undefined;
    const at = this.o.sla.deadlinesFor(ticket.kind, step, ticket.updatedAt, ticket.feedback?.urgency)[step];
    return at === undefined ? undefined : { step, at };
  }

  /** (Re)arm the timer of the step a ticket waits on. */
  async schedule(ticket: Ticket, step: SlaStep): Promise<void> {
    const due = ticket.deadlines[step];
    if (due === undefined) return;
    await this.o.scheduler.schedule({
      id: SlaDeadlines.timerId(ticket.number, step, due),
      timerId: SlaDeadlines.timerId(ticket.number, step, due),
      at: due,
      target: {
        conversationId: ticket.conversationId,
        channel: ticket.channel,
        userId: ticket.userId,
        locale: ticket.locale,
      },
    });
  }

  /**
   * A step deadline came due at `at`. Undefined when the step was done in time (nothing to
   * say); otherwise the ticket is flagged overdue with a new expected time, the miss counted
   * once, and the notice returned. Safe to call again for the same timer.
   */
  async deadlinePassed(timerId: string, at: number): Promise<DelayNotice | undefined> {
    const parsed = SlaDeadlines.parse(timerId);
    if (!parsed) return undefined;
    const { number, step, due } = parsed;
    const tickets = this.o.tickets();
    const ticket = await tickets.get(number);
    if (!ticket || stepOf(ticket.kind, ticket.status) !== step || ticket.deadlines[step] !== due) return undefined;
    const urgency = ticket.feedback?.urgency;
    const expected =
      ticket.deadlines[expectedKey(step)] ??
      this.o.sla.delayedExpectation(ticket.kind, step, Math.max(at, due), urgency);
    await tickets.update(number, (t) =>
      t.deadlines[step] === due
        ? { ...t, overdue: true, deadlines: { ...t.deadlines, [expectedKey(step)]: expected } }
        : t,
    );
    const counted = await this.o.store.countOnce(timerId, [
      'overdue',
      `overdue.${ticket.kind}`,
      `overdue.${ticket.kind}.${step}`,
    ]);
    if (counted) this.o.logger.info({ ticket: number, step }, 'deadline missed: delay notice');
    return { number, step, due: formatCst(expected) };
  }

  /** Missed deadlines so far, by `overdue`, `overdue.<kind>` and `overdue.<kind>.<step>`. */
  getSlaCounters(): Promise<Record<string, number>> {
    return this.o.store.counters();
  }
}

/**
 * A TicketStore that keeps deadlines and their timers in step with the lifecycle: whoever
 * creates or moves a ticket (dialogs, admin API, agents), the SLA follows.
 */
export class SlaTicketStore implements TicketStore {
  constructor(
    private readonly inner: TicketStore,
    private readonly deadlines: SlaDeadlines,
  ) {}

  async create(ticket: NewTicket, at: number, idempotencyKey: string): Promise<Ticket> {
    let armed: string | undefined;
    // The first step's timer goes out with the ticket's own writes (one round trip, not two).
    const created = await this.inner.create(
      { ...ticket, deadlines: this.deadlines.initialDeadlines(ticket, at) },
      at,
      idempotencyKey,
      (fresh) => {
        armed = fresh.number;
        return this.arm(fresh);
      },
    );
    // A redelivered request returns the first ticket: re-arming its timer is harmless, not if it fired.
    // (A timer armed for a twin's number that lost finds no such ticket when due, and says nothing.)
    if (armed !== created.number) await this.arm(created);
    return created;
  }

  private async arm(ticket: Ticket): Promise<void> {
    const step = stepOf(ticket.kind, ticket.status);
    if (step && !ticket.overdue) await this.deadlines.schedule(ticket, step);
  }

  get(number: string): Promise<Ticket | undefined> {
    return this.inner.get(number);
  }

  transition(number: string, to: TicketStatus, by: string, at: number, note?: string): Promise<Ticket> {
    return this.update(number, (t) => transitionTicket(t, to, by, at, note));
  }

  /** The new step's deadline is written with the move; then the timers follow, in one write (deferred if it can). */
  async update(number: string, change: (ticket: Ticket) => Ticket, options: UpdateOptions = {}): Promise<Ticket> {
    let from: TicketStatus | undefined;
    const updated = await this.inner.update(
      number,
      (t) => {
        from = t.status;
        const changed = change(t);
        return changed.status === t.status ? changed : this.deadlines.withNewStep(t.status, changed);
      },
      options,
    );
    if (from !== undefined && from !== updated.status) {
      const moved = from;
      await deferOrRun(options.defer, () => this.deadlines.rearm(moved, updated));
    }
    return updated;
  }

  listByUser(...args: Parameters<TicketStore['listByUser']>): Promise<Ticket[]> {
    return this.inner.listByUser(...args);
  }

  list(query: TicketQuery): Promise<Ticket[]> {
    return this.inner.list(query);
  }

  counts(): Promise<TicketCounts> {
    return this.inner.counts();
  }
}
