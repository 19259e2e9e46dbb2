import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { deferOrRun, type Defer, type EffectParams } from '../core/effect.js';
import type { ConversationEvent } from '../core/event.js';
import type { Clock } from '../core/ports.js';
import { createSla, type Sla } from '../domain/sla-policy.js';
import type { TicketStore } from '../store/ticket-store.js';
import { SlaDeadlines, SlaTicketStore } from './deadlines.js';
import { ReliableChannels } from './delivery.js';
import { MemoryNotifyStore } from './memory-notify-store.js';
import type { NotifyStore } from './notify-store.js';
import { RedisNotifyStore } from './redis-notify-store.js';
import { Scheduler, type TimerRecord, type TimerStore, type TimerTarget } from './scheduler.js';

/** What a timer delivers through: the runtime's `dispatch`, bound late (the runtime is built after us). */
export type Dispatch = (target: TimerTarget, event: ConversationEvent, eventId: string) => Promise<unknown>;

export interface NotifyOptions {
  redis?: Redis;
  clock: Clock;
  logger: Logger;
  sla?: Sla;
  pollMs?: number;
  /** Retry pacing of proactive pushes; tests pass a sleep that does not wait. */
  delivery?: { attempts?: number; baseDelayMs?: number; sleep?: (ms: number) => Promise<void> };
}

/** The context an effect handler gets, as far as timers need it. */
interface TimerEffectContext {
  conversationId: string;
  channel: TimerTarget['channel'];
  userId: string;
  locale: NonNullable<TimerTarget['locale']>;
  defer?: Defer;
}

/**
 * Timers, SLA deadlines and reliable proactive delivery, wired together: `channels` replaces
 * the runtime's ChannelRegistry, `trackTickets` wraps the ticket store, `bind` connects fired
 * timers to `runtime.dispatch`, and `effects` handle `scheduleTimer` / `cancelTimer`.
 */
export class Notify {
  readonly store: TimerStore & NotifyStore;
  readonly scheduler: Scheduler;
  readonly channels: ReliableChannels;
  readonly sla: Sla;
  private deadlines: SlaDeadlines | undefined;
  private dispatch: Dispatch | undefined;

  constructor(private readonly o: NotifyOptions) {
    this.store = o.redis ? new RedisNotifyStore(o.redis) : new MemoryNotifyStore(() => o.clock.now());
    this.sla = o.sla ?? createSla();
    this.scheduler = new Scheduler({
      store: this.store,
      clock: o.clock,
      logger: o.logger,
      fire: (timer, at) => this.fire(timer, at),
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
    });
    this.channels = new ReliableChannels({
      store: this.store,
      logger: o.logger,
      now: () => o.clock.now(),
      ...o.delivery,
    });
  }

  /** The ticket store with SLA deadlines kept in step; use it everywhere tickets are created or moved. */
  trackTickets(inner: TicketStore): TicketStore {
    this.deadlines = new SlaDeadlines({
      sla: this.sla,
      scheduler: this.scheduler,
      store: this.store,
      tickets: () => inner,
      logger: this.o.logger,
    });
    return new SlaTicketStore(inner, this.deadlines);
  }

  /** Fired timers go to the conversation through this (the runtime's dispatch); starts polling. */
  bind(dispatch: Dispatch, options: { poll?: boolean } = {}): void {
    this.dispatch = dispatch;
    if (options.poll !== false) this.scheduler.start();
  }

  /** Missed deadlines counted for reporting. */
  getSlaCounters(): Promise<Record<string, number>> {
    return this.store.counters();
  }

  /** Handlers of the `scheduleTimer` / `cancelTimer` effects. A machine's timer ids are scoped by conversation. */
  readonly effects = {
    // Both go out with the turn's next write: nothing in the turn waits on a timer. A timer lost
    // with a failed write leaves a handoff that no longer expires by itself; the log says so.
    scheduleTimer: async (params: EffectParams['scheduleTimer'], ctx: TimerEffectContext): Promise<void> => {
      const timer = {
        id: conversationTimerKey(ctx.conversationId, params.timerId),
        timerId: params.timerId,
        at: params.at,
        target: { conversationId: ctx.conversationId, channel: ctx.channel, userId: ctx.userId, locale: ctx.locale },
      };
      await deferOrRun(ctx.defer, () => this.scheduler.schedule(timer));
    },
    cancelTimer: async (params: EffectParams['cancelTimer'], ctx: TimerEffectContext): Promise<void> => {
      const id = conversationTimerKey(ctx.conversationId, params.timerId);
      await deferOrRun(ctx.defer, () => this.scheduler.cancel(id));
    },
  };

  async close(): Promise<void> {
    await this.scheduler.stop();
  }

  private async fire(timer: TimerRecord, at: number): Promise<void> {
    if (!this.dispatch) throw new Error('timer fired before the runtime was bound');
    const event: ConversationEvent = { type: 'timer.fired', timerId: timer.timerId, at };
    if (SlaDeadlines.isSlaTimer(timer.id)) {
      const notice = await this.deadlines?.deadlinePassed(timer.id, at);
      // Done in time (or the ticket is gone): nobody is told anything.
      if (!notice) return;
      event.params = notice;
    }
    // The event id includes the due time: a machine that re-arms the same timer id gets a new event.
    await this.dispatch(timer.target, event, `timer:${timer.id}@${timer.at}`);
  }
}

export const conversationTimerKey = (conversationId: string, timerId: string) => `conv:${conversationId}:${timerId}`;
