import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ChannelId, Locale } from '../core/message.js';
import type { Clock } from '../core/ports.js';

/** Where a fired timer goes: the conversation and how to reach its user. */
export interface TimerTarget {
  conversationId: string;
  channel: ChannelId;
  userId: string;
  locale?: Locale;
}

/** A durable timer: due at `at` (epoch ms), delivered to `target` as `timer.fired` with `timerId`. */
export interface TimerRecord {
  /** Unique key in the store (a conversation's timer ids are scoped by conversation). */
  id: string;
  /** What the conversation sees in `timer.fired`. */
  timerId: string;
  at: number;
  target: TimerTarget;
}

/**
 * Durable timer storage with an atomic claim. A claimed timer is leased, not removed: if the
 * process that claimed it dies before `ack`, it comes due again when the lease runs out, so a
 * timer fires at least once; the dispatch dedupe by event id makes that exactly once.
 */
export interface TimerStore {
  /** Add or replace (same id) a timer. */
  schedule(timer: TimerRecord): Promise<void>;
  /** Remove a timer; false when there was none. */
  cancel(id: string): Promise<boolean>;
  /** Atomically take up to `limit` timers due at `now`, leased until `leaseUntil` under `token`. */
  claimDue(now: number, limit: number, leaseUntil: number, token: string): Promise<TimerRecord[]>;
  /** The timer fired: remove it, unless it was re-scheduled (or re-claimed) since `token` took it. */
  ack(id: string, token: string): Promise<void>;
  get(id: string): Promise<TimerRecord | undefined>;
}

export interface SchedulerOptions {
  store: TimerStore;
  clock: Clock;
  /** Delivers a due timer; a throw leaves it leased, to fire again after the lease. */
  fire: (timer: TimerRecord, at: number) => Promise<void>;
  logger: Logger;
  /** Poll interval of `start()`; tests call `tick()` instead. */
  pollMs?: number;
  leaseMs?: number;
  batch?: number;
}

/** Polls the timer store and fires what is due. Ticks never overlap within one process. */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private last: Promise<number> = Promise.resolve(0);
  private readonly leaseMs: number;
  private readonly batch: number;

  constructor(private readonly o: SchedulerOptions) {
    this.leaseMs = o.leaseMs ?? 60_000;
    this.batch = o.batch ?? 100;
  }

  schedule(timer: TimerRecord): Promise<void> {
    return this.o.store.schedule(timer);
  }

  cancel(id: string): Promise<boolean> {
    return this.o.store.cancel(id);
  }

  /** Fire everything due now; resolves with how many fired here. Waits for a tick in progress first. */
  tick(): Promise<number> {
    const next = this.last.catch(() => 0).then(() => this.runOnce());
    this.last = next;
    return next;
  }

  /** Poll every `pollMs` until `stop()`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((err: unknown) => this.o.logger.warn({ err }, 'timer poll failed'));
    }, this.o.pollMs ?? 1000);
    this.timer.unref();
  }

  /** Stop polling and wait for the tick in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.last.catch(() => 0);
  }

  private async runOnce(): Promise<number> {
    let fired = 0;
    for (;;) {
      const now = this.o.clock.now();
      const token = randomUUID();
      const due = await this.o.store.claimDue(now, this.batch, now + this.leaseMs, token);
      for (const timer of due) {
        try {
          await this.o.fire(timer, now);
          await this.o.store.ack(timer.id, token);
          fired++;
        } catch (err) {
          this.o.logger.error({ err, timerId: timer.id }, 'timer fire failed; it fires again after its lease');
        }
      }
      if (due.length < this.batch) return fired;
    }
  }
}
