import type { TimerRecord, TimerStore } from './scheduler.js';
import type { DeadLetter, NotifyStore } from './notify-store.js';

/** Timers, once-keys, counters and dead letters in process memory (the embedded default). */
export class MemoryNotifyStore implements TimerStore, NotifyStore {
  private readonly timers = new Map<string, { timer: TimerRecord; dueAt: number; claim?: string }>();
  private readonly onceKeys = new Map<string, number>();
  private readonly counterValues = new Map<string, number>();
  private readonly dead: DeadLetter[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  async schedule(timer: TimerRecord): Promise<void> {
    this.timers.set(timer.id, { timer: structuredClone(timer), dueAt: timer.at });
  }

  async cancel(id: string): Promise<boolean> {
    return this.timers.delete(id);
  }

  async claimDue(now: number, limit: number, leaseUntil: number, token: string): Promise<TimerRecord[]> {
    const due = [...this.timers.values()].filter((t) => t.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    return due.slice(0, limit).map((t) => {
      t.dueAt = leaseUntil;
      t.claim = token;
      return structuredClone(t.timer);
    });
  }

  async ack(id: string, token: string): Promise<void> {
    if (this.timers.get(id)?.claim === token) this.timers.delete(id);
  }

  async get(id: string): Promise<TimerRecord | undefined> {
    const t = this.timers.get(id);
    return t ? structuredClone(t.timer) : undefined;
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const until = this.onceKeys.get(key);
    if (until !== undefined && until > this.now()) return false;
    this.onceKeys.set(key, this.now() + ttlMs);
    return true;
  }

  async releaseOnce(key: string): Promise<void> {
    this.onceKeys.delete(key);
  }

  async countOnce(eventId: string, counters: string[]): Promise<boolean> {
    if (!(await this.claimOnce(`counted:${eventId}`, 30 * 86_400_000))) return false;
    for (const c of counters) this.counterValues.set(c, (this.counterValues.get(c) ?? 0) + 1);
    return true;
  }

  async counters(): Promise<Record<string, number>> {
    return Object.fromEntries(this.counterValues);
  }

  async deadLetter(entry: DeadLetter): Promise<void> {
    this.dead.unshift(structuredClone(entry));
    this.dead.splice(1000);
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    return structuredClone(this.dead.slice(0, limit));
  }
}
