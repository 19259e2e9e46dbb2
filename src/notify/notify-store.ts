import type { Delivery } from '../core/ports.js';

/** A proactive delivery that could not be made, kept for an operator to look at and replay. */
export interface DeadLetter {
  delivery: Delivery;
  reason: 'channel_unavailable' | 'push_failed';
  error?: string;
  attempts: number;
  at: number;
}

/** What proactive delivery and SLA reporting keep: once-keys, counters, dead letters. */
export interface NotifyStore {
  /** `SET key NX` with a TTL: true for the first caller only. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  releaseOnce(key: string): Promise<void>;
  /** Increment each counter by one, once per `eventId` however often it is called. */
  countOnce(eventId: string, counters: string[]): Promise<boolean>;
  counters(): Promise<Record<string, number>>;
  deadLetter(entry: DeadLetter): Promise<void>;
  /** Newest first. */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
}
