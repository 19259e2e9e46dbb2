import type { Redis } from 'ioredis';
import { LeanScript } from './lean-script.js';

/**
 * Daily analytics: counters, satisfaction scores and misunderstood messages per day (China
 * Standard Time), so reports over a date range are sums of a few small per-day structures.
 * Memory stays bounded: days older than the retention go (TTL in Redis, sweep in memory), the
 * misunderstood messages of a day are trimmed to the most frequent, scores are one per survey.
 * Callers mask personal data before anything reaches this store.
 */
export interface AnalyticsStore {
  /** Add to named counters of the day of `at`. */
  increment(at: number, counters: Record<string, number>): Promise<void>;
  /** Add 1 to each named counter at once, for stores that gather counts in memory (every turn counts so). */
  tally?(at: number, names: readonly string[]): void;
  /** A survey's score; the same survey again replaces it. */
  survey(at: number, surveyId: string, score: number): Promise<void>;
  /** A message the bot did not understand (already masked), `count` times (default 1). */
  misunderstood(at: number, text: string, count?: number): Promise<void>;
  /** Remember when a conversation started waiting for an agent. */
  waitStarted(conversationId: string, at: number): Promise<void>;
  /** When the conversation started waiting (and forget it), or undefined. */
  waitEnded(conversationId: string): Promise<number | undefined>;
  /** Everything recorded on the days `fromDay`..`toDay` (inclusive, `YYYY-MM-DD`). */
  read(fromDay: string, toDay: string): Promise<AnalyticsRange>;
  /** Write whatever is still held and stop (shutdown); stores that hold nothing need none. */
  close?(): Promise<void>;
}

export interface AnalyticsRange {
  counters: Record<string, number>;
  /** Survey scores (one per survey). */
  scores: number[];
  /** Most frequent misunderstood messages first. */
  misunderstood: { text: string; count: number }[];
}

export interface AnalyticsOptions {
  retentionDays: number;
  /** Misunderstood messages kept per day (the most frequent). */
  misunderstoodPerDay: number;
  /** Key prefix; tests use their own so they can share one redis-server. */
  namespace: string;
}

const DEFAULTS: AnalyticsOptions = { retentionDays: 400, misunderstoodPerDay: 200, namespace: 'kefu' };
const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;
const WAIT_TTL_MS = 2 * DAY_MS;
const TOP = 20;
/** A day's range can be long, but not unbounded: a year and a bit. */
export const MAX_RANGE_DAYS = 400;

let lastDayNumber = NaN;
let lastDayName = '';

/** `YYYY-MM-DD` of an instant in China Standard Time (every turn asks: the last answer is kept). */
export function analyticsDay(at: number): string {
  const n = Math.floor((at + CST_OFFSET_MS) / DAY_MS);
  if (n !== lastDayNumber) {
    lastDayName = new Date(at + CST_OFFSET_MS).toISOString().slice(0, 10);
    lastDayNumber = n;
  }
  return lastDayName;
}

/** Every day from `fromDay` to `toDay` inclusive (at most MAX_RANGE_DAYS, the latest ones). */
export function daysBetween(fromDay: string, toDay: string): string[] {
  const start = Date.parse(`${fromDay}T00:00:00Z`);
  const end = Date.parse(`${toDay}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return [];
  const days: string[] = [];
  for (let t = Math.max(start, end - (MAX_RANGE_DAYS - 1) * DAY_MS); t <= end; t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

function top(counts: Map<string, number>): { text: string; count: number }[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP)
    .map(([text, count]) => ({ text, count }));
}

interface MemoryDay {
  counters: Map<string, number>;
  scores: Map<string, number>;
  misunderstood: Map<string, number>;
}

/** The embedded store: a map of days, swept past the retention. */
export class MemoryAnalyticsStore implements AnalyticsStore {
  private readonly days = new Map<string, MemoryDay>();
  private readonly waits = new Map<string, number>();
  private readonly o: AnalyticsOptions;

  constructor(options: Partial<AnalyticsOptions> = {}) {
    this.o = { ...DEFAULTS, ...options };
  }

  private day(at: number): MemoryDay {
    const name = analyticsDay(at);
    let day = this.days.get(name);
    if (!day) {
      day = { counters: new Map(), scores: new Map(), misunderstood: new Map() };
      this.days.set(name, day);
      const oldest = analyticsDay(at - this.o.retentionDays * DAY_MS);
      for (const d of this.days.keys()) if (d < oldest) this.days.delete(d);
    }
    return day;
  }

  async increment(at: number, counters: Record<string, number>): Promise<void> {
    const day = this.day(at);
    for (const [name, n] of Object.entries(counters)) day.counters.set(name, (day.counters.get(name) ?? 0) + n);
  }

  async survey(at: number, surveyId: string, score: number): Promise<void> {
    this.day(at).scores.set(surveyId, score);
  }

  async misunderstood(at: number, text: string, count = 1): Promise<void> {
    const m = this.day(at).misunderstood;
    m.set(text, (m.get(text) ?? 0) + count);
    if (m.size > this.o.misunderstoodPerDay * 2) {
      const keep = [...m].sort((a, b) => b[1] - a[1]).slice(0, this.o.misunderstoodPerDay);
      m.clear();
      for (const [t, n] of keep) m.set(t, n);
    }
  }

  async waitStarted(conversationId: string, at: number): Promise<void> {
    this.waits.set(conversationId, at);
    if (this.waits.size > 10_000) {
      // Waits nobody ended (a crash, an erased conversation): forget the oldest.
      const oldest = this.waits.keys().next().value;
      if (oldest !== undefined) this.waits.delete(oldest);
    }
  }

  async waitEnded(conversationId: string): Promise<number | undefined> {
    const at = this.waits.get(conversationId);
    this.waits.delete(conversationId);
    return at;
  }

  async read(fromDay: string, toDay: string): Promise<AnalyticsRange> {
    const counters: Record<string, number> = {};
    const scores: number[] = [];
    const misunderstood = new Map<string, number>();
    for (const name of daysBetween(fromDay, toDay)) {
      const day = this.days.get(name);
      if (!day) continue;
      for (const [k, n] of day.counters) counters[k] = (counters[k] ?? 0) + n;
      scores.push(...day.scores.values());
      for (const [t, n] of day.misunderstood) misunderstood.set(t, (misunderstood.get(t) ?? 0) + n);
    }
    return { counters, scores, misunderstood: top(misunderstood) };
  }
}

// Scripts, not MULTI: see src/store/capped-list.ts on ioredis Pipelines. KEYS: the day's key.
/** ARGV: ttlMs, name, n, name, n... */
const incrementScript = new LeanScript(
  `for i = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`,
  1,
);
/** ARGV: ttlMs, surveyId, score. */
const surveyScript = new LeanScript(
  `redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`,
  1,
);
/** ARGV: ttlMs, count, text, how many texts a day keeps. */
const misunderstoodScript = new LeanScript(
  `redis.call('ZINCRBY', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[4]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`,
  1,
);

/**
 * Per day: a hash of counters, a hash surveyId -> score, a sorted set of misunderstood messages.
 * Keys carry the `{analytics}` hash tag: the few writes of a turn go to one Cluster slot, and a
 * report reads one slot.
 */
export class RedisAnalyticsStore implements AnalyticsStore {
  private readonly o: AnalyticsOptions;

  constructor(
    private readonly redis: Redis,
    options: Partial<AnalyticsOptions> = {},
  ) {
    this.o = { ...DEFAULTS, ...options };
  }

  private key(kind: string, day: string): string {
    return `${this.o.namespace}:{analytics}:${kind}:${day}`;
  }

  private get ttlMs(): number {
    return (this.o.retentionDays + 1) * DAY_MS;
  }

  async increment(at: number, counters: Record<string, number>): Promise<void> {
    const key = this.key('c', analyticsDay(at));
    const args: (string | number)[] = [this.ttlMs];
    for (const [name, n] of Object.entries(counters)) args.push(name, n);
    await incrementScript.call(this.redis, [key], args);
  }

  async survey(at: number, surveyId: string, score: number): Promise<void> {
    const key = this.key('s', analyticsDay(at));
    await surveyScript.call(this.redis, [key], [this.ttlMs, surveyId, score]);
  }

  async misunderstood(at: number, text: string, count = 1): Promise<void> {
    const key = this.key('m', analyticsDay(at));
    // Keep the most frequent; a new message (score 1) is what goes when the day is full.
    await misunderstoodScript.call(this.redis, [key], [this.ttlMs, count, text, this.o.misunderstoodPerDay]);
  }

  async waitStarted(conversationId: string, at: number): Promise<void> {
    await this.redis.set(this.key('wait', conversationId), at, 'PX', WAIT_TTL_MS);
  }

  async waitEnded(conversationId: string): Promise<number | undefined> {
    const raw = await this.redis.getdel(this.key('wait', conversationId));
    return raw === null ? undefined : Number(raw);
  }

  async read(fromDay: string, toDay: string): Promise<AnalyticsRange> {
    const days = daysBetween(fromDay, toDay);
    const pipe = this.redis.pipeline();
    for (const d of days) {
      pipe.hgetall(this.key('c', d));
      pipe.hvals(this.key('s', d));
      pipe.zrevrange(this.key('m', d), 0, -1, 'WITHSCORES');
    }
    const results = (await pipe.exec()) ?? [];
    const counters: Record<string, number> = {};
    const scores: number[] = [];
    const misunderstood = new Map<string, number>();
    for (let i = 0; i < results.length; i += 3) {
      const [e1, c] = results[i] ?? [];
      const [e2, s] = results[i + 1] ?? [];
      const [e3, m] = results[i + 2] ?? [];
      const err = e1 ?? e2 ?? e3;
      if (err) throw err;
      for (const [k, v] of Object.entries((c ?? {}) as Record<string, string>))
        counters[k] = (counters[k] ?? 0) + Number(v);
      for (const v of (s ?? []) as string[]) scores.push(Number(v));
      const pairs = (m ?? []) as string[];
      for (let j = 0; j + 1 < pairs.length; j += 2) {
        const text = pairs[j]!;
        misunderstood.set(text, (misunderstood.get(text) ?? 0) + Number(pairs[j + 1]));
      }
    }
    return { counters, scores, misunderstood: top(misunderstood) };
  }
}
