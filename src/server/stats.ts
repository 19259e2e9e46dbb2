import { z } from 'zod';
import type { Ticket } from '../domain/ticket.js';
import { analyticsDay, daysBetween, type AnalyticsStore } from '../store/analytics-store.js';
import type { TicketStore } from '../store/ticket-store.js';
import { WAIT_BUCKETS } from './metrics.js';
import { slaOutcomes } from './sla-outcomes.js';

export interface StatsDeps {
  analytics: AnalyticsStore;
  tickets: TicketStore;
  now: () => number;
  /** Missed deadlines counted by notify (`overdue.<kind>.<step>`), whole time. */
  slaCounters?: () => Promise<Record<string, number>>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;
const DEFAULT_DAYS = 30;
/** Daily series are drawn for ranges up to this many days. */
const DAILY_MAX = 92;
/** Tickets read per kind for the per-status/category/region breakdown (newest first). */
const TICKETS_READ = 1000;

const day = z
  .string()
  .trim()
  .transform((s, ctx) => {
    if (DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))) return s;
    const t = Date.parse(s);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: 'custom', message: 'expected YYYY-MM-DD or an ISO time' });
      return z.NEVER;
    }
    return analyticsDay(t);
  });
export const statsQuery = z.object({ from: day.optional(), to: day.optional() });

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : null);
const inc = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};
/** Start of a CST day, epoch ms. */
const dayStart = (d: string) => Date.parse(`${d}T00:00:00Z`) - CST_OFFSET_MS;

/** Counters named `<prefix>.<name>` as `{ name: n }`. */
function byPrefix(counters: Record<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(counters)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = n;
  return out;
}

/**
 * The figures of `GET /api/admin/stats?from=&to=` (days in China Standard Time, inclusive;
 * default the last 30 days). Conversations are sessions started; contained ones are those with
 * no handoff request. Ticket breakdowns cover tickets created in the range among the newest
 * 1000 of each kind; whole-store counts by status are in `tickets`.
 */
export async function buildStats(deps: StatsDeps, query: z.infer<typeof statsQuery>) {
  const now = deps.now();
  const to = query.to ?? analyticsDay(now);
  const from = query.from ?? analyticsDay(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS);
  const days = daysBetween(from, to);
  const range = await deps.analytics.read(from, to);
  const c = range.counters;
  const conversations = c.conversations ?? 0;
  const handoffs = c.handoffs ?? 0;
  const answered = c['handoff.answered'] ?? 0;

  const distribution: Record<string, number> = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const s of range.scores) inc(distribution, String(s));
  const csatAverage = range.scores.length
    ? Math.round((range.scores.reduce((a, b) => a + b, 0) / range.scores.length) * 100) / 100
    : null;

  const [counts, applications, feedback, slaCounters] = await Promise.all([
    deps.tickets.counts(),
    deps.tickets.list({ kind: 'application', limit: TICKETS_READ }),
    deps.tickets.list({ kind: 'feedback', limit: TICKETS_READ }),
    deps.slaCounters ? deps.slaCounters() : Promise.resolve({} as Record<string, number>),
  ]);
  const start = dayStart(days[0] ?? from);
  const end = dayStart(days.at(-1) ?? to) + DAY_MS;
  const inRange = (t: Ticket) => t.createdAt >= start && t.createdAt < end;
  const created = [...applications, ...feedback].filter(inRange);
  const byStatus: Record<string, number> = {};
  const byCategory: Record<string, number> = {};
  const byRegion: Record<string, number> = {};
  for (const t of created) {
    inc(byStatus, `${t.kind}.${t.status}`);
    if (t.feedback) inc(byCategory, t.feedback.category);
    if (t.application) inc(byRegion, t.application.address.province);
  }
  const sla = Object.fromEntries(
    Object.entries(slaOutcomes(created, now)).map(([step, o]) => [
      step,
      { ...o, compliance: ratio(o.met, o.met + o.missed) },
    ]),
  );

  const daily =
    days.length <= DAILY_MAX
      ? await Promise.all(
          days.map(async (d) => {
            const r = await deps.analytics.read(d, d);
            return {
              day: d,
              conversations: r.counters.conversations ?? 0,
              handoffs: r.counters.handoffs ?? 0,
              misunderstood: r.counters.misunderstood ?? 0,
            };
          }),
        )
      : [];

  const intents = Object.entries(byPrefix(c, 'intent.'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([intent, count]) => ({ intent, count }));

  return {
    range: { from: days[0] ?? from, to: days.at(-1) ?? to, days: days.length },
    conversations,
    turns: c.turns ?? 0,
    containmentRate: ratio(Math.max(0, conversations - handoffs), conversations),
    handoff: {
      requested: handoffs,
      rate: ratio(handoffs, conversations),
      answered,
      averageWaitSeconds: answered ? Math.round((c['handoff.waitMs'] ?? 0) / answered / 100) / 10 : null,
      waitDistribution: Object.fromEntries(
        [...WAIT_BUCKETS.map(String), 'more'].map((b) => [b, c[`handoff.wait.${b}`] ?? 0]),
      ),
      byReason: byPrefix(c, 'handoff.reason.'),
      ends: byPrefix(c, 'handoff.end.'),
    },
    csat: { responses: range.scores.length, average: csatAverage, distribution },
    sla,
    slaMissedTotal: byPrefix(slaCounters, 'overdue.'),
    /** Whole store, by kind and status. */
    tickets: counts,
    ticketsInRange: {
      created: { application: c['tickets.application'] ?? 0, feedback: c['tickets.feedback'] ?? 0 },
      byStatus,
      byCategory,
      byRegion,
    },
    channels: byPrefix(c, 'channel.'),
    topIntents: intents,
    misunderstood: {
      count: c.misunderstood ?? 0,
      rate: ratio(c.misunderstood ?? 0, c.turns ?? 0),
      top: range.misunderstood,
    },
    daily,
  };
}

export type Stats = Awaited<ReturnType<typeof buildStats>>;
