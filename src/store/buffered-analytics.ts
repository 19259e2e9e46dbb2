import { analyticsDay, type AnalyticsRange, type AnalyticsStore } from './analytics-store.js';

export interface BufferOptions {
  /** How often gathered counters go to the store. */
  flushMs: number;
  /** Distinct misunderstood messages held per day between flushes (the rest are counted next time). */
  maxTexts: number;
}

const DEFAULTS: BufferOptions = { flushMs: 1000, maxTexts: 1000 };

interface PendingDay {
  at: number;
  counters: Map<string, number>;
  texts: Map<string, number>;
}

/**
 * Counters and misunderstood messages summed in memory and written once a second: a turn's
 * analytics cost a few map updates instead of a Redis transaction (issue 10: they were a third
 * of a turn's Redis commands). A flush that fails keeps its sums for the next one; a process
 * that dies loses at most the last second's counts. Reports flush first, so they include
 * everything this process has seen. Surveys and handoff waits are rare and go straight through.
 */
export class BufferedAnalyticsStore implements AnalyticsStore {
  private pending = new Map<string, PendingDay>();
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly o: BufferOptions;

  constructor(
    private readonly inner: AnalyticsStore,
    options: Partial<BufferOptions> = {},
  ) {
    this.o = { ...DEFAULTS, ...options };
    this.timer = setInterval(() => void this.flush().catch(() => {}), this.o.flushMs);
    this.timer.unref();
  }

  private day(at: number): PendingDay {
    const name = analyticsDay(at);
    let day = this.pending.get(name);
    if (!day) {
      day = { at, counters: new Map(), texts: new Map() };
      this.pending.set(name, day);
    }
    return day;
  }

  async increment(at: number, counters: Record<string, number>): Promise<void> {
    const day = this.day(at).counters;
    for (const name in counters) day.set(name, (day.get(name) ?? 0) + counters[name]!);
  }

  tally(at: number, names: readonly string[]): void {
    const day = this.day(at).counters;
    for (const name of names) day.set(name, (day.get(name) ?? 0) + 1);
  }

  async misunderstood(at: number, text: string, count = 1): Promise<void> {
    const texts = this.day(at).texts;
    const seen = texts.get(text);
    // A flood of distinct texts within one second: the rest are not kept (the day keeps only the most frequent anyway).
    if (seen !== undefined || texts.size < this.o.maxTexts) texts.set(text, (seen ?? 0) + count);
  }

  survey(at: number, surveyId: string, score: number): Promise<void> {
    return this.inner.survey(at, surveyId, score);
  }

  waitStarted(conversationId: string, at: number): Promise<void> {
    return this.inner.waitStarted(conversationId, at);
  }

  waitEnded(conversationId: string): Promise<number | undefined> {
    return this.inner.waitEnded(conversationId);
  }

  async read(fromDay: string, toDay: string): Promise<AnalyticsRange> {
    await this.flush();
    return this.inner.read(fromDay, toDay);
  }

  /** Write what has been gathered; one flush at a time, and a failed one is merged back. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write(batch).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /** Stop the timer and write the rest (shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(batch: Map<string, PendingDay>): Promise<void> {
    const failed: unknown[] = [];
    await Promise.all(
      [...batch.values()].map(async (day) => {
        const jobs: Promise<unknown>[] = [];
        if (day.counters.size > 0) {
          jobs.push(this.inner.increment(day.at, Object.fromEntries(day.counters)).then(() => day.counters.clear()));
        }
        for (const [text, n] of day.texts) {
          jobs.push(this.inner.misunderstood(day.at, text, n).then(() => day.texts.delete(text)));
        }
        for (const r of await Promise.allSettled(jobs)) if (r.status === 'rejected') failed.push(r.reason);
      }),
    );
    if (failed.length === 0) return;
    // Put back what was not written, summed with whatever arrived meanwhile.
    for (const day of batch.values()) {
      for (const [name, n] of day.counters) await this.increment(day.at, { [name]: n });
      for (const [text, n] of day.texts) await this.misunderstood(day.at, text, n);
    }
    throw failed[0];
  }
}
