import type { Logger } from 'pino';
import type { Delivery } from '../core/ports.js';
import { ChannelRegistry } from '../runtime/delivery.js';
import type { NotifyStore } from './notify-store.js';

export interface ReliableDeliveryOptions {
  store: NotifyStore;
  logger: Logger;
  now: () => number;
  /** Attempts per delivery, the first included. */
  attempts?: number;
  /** Wait before the second attempt; doubles each time. */
  baseDelayMs?: number;
  /** How long an event id is remembered as sent. */
  idempotencyTtlMs?: number;
  /** Tests pass a sleep that does not wait on the wall clock. */
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The channel registry's push path made reliable for proactive messages (status changes,
 * delay notices, agent messages): at most once per event id (`SET NX`, unless the caller
 * already sees to that: `Delivery.deduped`), retried with
 * exponential backoff, and recorded as a dead letter when every attempt failed.
 */
export class ReliableChannels extends ChannelRegistry {
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly ttlMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: ReliableDeliveryOptions) {
    super();
    this.attempts = o.attempts ?? 5;
    this.baseDelayMs = o.baseDelayMs ?? 200;
    this.ttlMs = o.idempotencyTtlMs ?? 7 * 86_400_000;
    this.sleep = o.sleep ?? wait;
  }

  /** True when delivered now or earlier; false when dead-lettered. */
  override async push(delivery: Delivery): Promise<boolean> {
    const key = `kefu:{${delivery.conversationId}}:pushed:${delivery.eventId}`;
    if (!delivery.deduped && !(await this.o.store.claimOnce(key, this.ttlMs))) {
      this.o.logger.debug(
        { conversationId: delivery.conversationId, eventId: delivery.eventId },
        'already delivered: not sent again',
      );
      return true;
    }
    let lastError = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        if (!this.get(delivery.channel)) {
          await this.fail(key, delivery, 'channel_unavailable', attempt, `channel ${delivery.channel} is not running`);
          return false;
        }
        await super.push(delivery);
        return true;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        this.o.logger.warn(
          { conversationId: delivery.conversationId, eventId: delivery.eventId, attempt, err: lastError },
          'push failed',
        );
        if (attempt < this.attempts) await this.sleep(this.baseDelayMs * 2 ** (attempt - 1));
      }
    }
    await this.fail(key, delivery, 'push_failed', this.attempts, lastError);
    return false;
  }

  /** Dead-letter it, and forget the once-key so that a replay of the same event may try again. */
  private async fail(
    key: string,
    delivery: Delivery,
    reason: 'channel_unavailable' | 'push_failed',
    attempts: number,
    error: string,
  ) {
    this.o.logger.error(
      { conversationId: delivery.conversationId, eventId: delivery.eventId, reason },
      'delivery dead-lettered',
    );
    await this.o.store.deadLetter({ delivery, reason, error, attempts, at: this.o.now() });
    if (!delivery.deduped) await this.o.store.releaseOnce(key);
  }
}
