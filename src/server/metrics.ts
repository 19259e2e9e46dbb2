import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EffectParams, EffectType } from '../core/effect.js';
import { maskPersonalData } from '../domain/pii-mask.js';
import type { Logger } from '../log/logger.js';
import type { EffectObservation, TurnObservation, TurnObserver } from '../runtime/observer.js';
import type { AnalyticsStore } from '../store/analytics-store.js';
import type { TicketStore } from '../store/ticket-store.js';
import { HotCounter, HotHistogram, type CounterSeries, type HistogramSeries } from './hot-metrics.js';
import { slaOutcomes } from './sla-outcomes.js';

/** Where figures that are not events come from, read at scrape time; each is optional. */
export interface MetricsSources {
  tickets?: TicketStore;
  /** Conversations waiting for an agent now. */
  queueLength?: () => Promise<number>;
  /** Missed deadlines by `overdue.<kind>.<step>` (notify's `getSlaCounters`). */
  slaCounters?: () => Promise<Record<string, number>>;
}

/** Below this confidence a message counts as misunderstood in the reports. */
export const MISUNDERSTOOD_BELOW = 0.5;
/** Handoff wait buckets (seconds) shared by the histogram and the daily report. */
export const WAIT_BUCKETS = [30, 60, 120, 300, 600, 1800];
const SURVEYS_REMEMBERED = 10_000;

/**
 * Prometheus metrics and the analytics event stream, fed by the runtime's observer calls and
 * read from the stores at scrape. Each kefu instance has its own registry (tests make many).
 */
export class KefuMetrics implements TurnObserver {
  private readonly turns: HotCounter<'channel' | 'event' | 'intent'>;
  private readonly turnSeconds: HotHistogram<'channel' | 'event'>;
  private readonly confidence: HistogramSeries;
  /** The series a kind of turn (channel, event, intent) counts in, found once. */
  private readonly turnKinds = new Map<string, { turns: CounterSeries; seconds: HistogramSeries }>();
  private readonly handoffs: Counter<'reason'>;
  private readonly handoffEnds: Counter<'reason'>;
  private readonly waitSeconds: Histogram;
  private readonly ticketsCreated: Counter<'kind'>;
  private readonly surveyScore: Histogram;
  private readonly errors: Counter<'code' | 'source'>;
  private readonly redisSeconds: HotHistogram<'command' | 'outcome'>;
  /** Series of `redisSeconds` by command, for success and failure. */
  private readonly redisOk = new Map<string, HistogramSeries>();
  private readonly redisFailed = new Map<string, HistogramSeries>();
  private readonly surveysSeen = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();
  private sources: MetricsSources = {};

  constructor(
    readonly registry: Registry,
    private readonly o: { analytics?: AnalyticsStore; logger?: Logger; defaultMetrics?: boolean } = {},
  ) {
    const registers = [registry];
    const sources = () => this.sources;
    if (o.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'kefu_' });
    // Counted every turn: hot-metrics series (same exposition as prom-client, far cheaper to count).
    this.turns = new HotCounter(
      'kefu_turns_total',
      'Conversation turns by channel, event (user.said or a proactive event) and understood intent',
      ['channel', 'event', 'intent'],
      registry,
    );
    this.turnSeconds = new HotHistogram(
      'kefu_turn_duration_seconds',
      'Time from taking the turn to saving it (understanding, machine, effects, store)',
      ['channel', 'event'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registry,
    );
    this.confidence = new HotHistogram(
      'kefu_understanding_confidence',
      'Confidence of the understood intent of user messages',
      [],
      [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registry,
    ).series({});
    this.handoffs = new Counter({
      name: 'kefu_handoffs_total',
      help: 'Requests for a human agent by reason',
      labelNames: ['reason'],
      registers,
    });
    this.handoffEnds = new Counter({
      name: 'kefu_handoff_ends_total',
      help: 'Handoffs ended, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.waitSeconds = new Histogram({
      name: 'kefu_handoff_wait_seconds',
      help: 'Time a user waited from asking for an agent to an agent joining',
      buckets: WAIT_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'kefu_handoff_queue_length',
      help: 'Conversations waiting for an agent',
      registers,
      collect: async function (this: Gauge) {
        if (sources().queueLength) this.set(await sources().queueLength!());
      },
    });
    new Gauge({
      name: 'kefu_tickets',
      help: 'Tickets by kind and status (whole store)',
      labelNames: ['kind', 'status'],
      registers,
      collect: async function (this: Gauge<'kind' | 'status'>) {
        const tickets = sources().tickets;
        if (!tickets) return;
        this.reset();
        for (const [kind, byStatus] of Object.entries(await tickets.counts())) {
          for (const [status, n] of Object.entries(byStatus)) this.set({ kind, status }, n);
        }
      },
    });
    this.ticketsCreated = new Counter({
      name: 'kefu_tickets_created_total',
      help: 'Tickets created by conversations, by kind',
      labelNames: ['kind'],
      registers,
    });
    new Gauge({
      name: 'kefu_sla_missed',
      help: 'Deadlines missed so far, by ticket kind and step (counted once per deadline)',
      labelNames: ['kind', 'step'],
      registers,
      collect: async function (this: Gauge<'kind' | 'step'>) {
        const read = sources().slaCounters;
        if (!read) return;
        this.reset();
        for (const [name, n] of Object.entries(await read())) {
          const [, kind, step] = name.split('.');
          if (kind && step) this.set({ kind, step }, n);
        }
      },
    });
    new Gauge({
      name: 'kefu_sla_steps',
      help: 'Deadline steps of the newest tickets (up to 1000 a kind): met, missed or open',
      labelNames: ['kind', 'step', 'outcome'],
      registers,
      collect: async function (this: Gauge<'kind' | 'step' | 'outcome'>) {
        const tickets = sources().tickets;
        if (!tickets) return;
        this.reset();
        const all = [
          ...(await tickets.list({ kind: 'application', limit: 1000 })),
          ...(await tickets.list({ kind: 'feedback', limit: 1000 })),
        ];
        for (const [key, o] of Object.entries(slaOutcomes(all, Date.now()))) {
          const [kind = '', step = ''] = key.split('.');
          this.set({ kind, step, outcome: 'met' }, o.met);
          this.set({ kind, step, outcome: 'missed' }, o.missed);
          this.set({ kind, step, outcome: 'open' }, o.open);
        }
      },
    });
    this.surveyScore = new Histogram({
      name: 'kefu_survey_score',
      help: 'Satisfaction scores (1-5), one per survey',
      buckets: [1, 2, 3, 4, 5],
      registers,
    });
    this.errors = new Counter({
      name: 'kefu_errors_total',
      help: 'Errors by stable code and where they surfaced (turn, http)',
      labelNames: ['code', 'source'],
      registers,
    });
    this.redisSeconds = new HotHistogram(
      'kefu_redis_command_duration_seconds',
      'Redis round trips by command, as ioredis saw them',
      ['command', 'outcome'],
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registry,
    );
  }

  /** Connect the read-at-scrape sources once the stores and services exist. */
  attach(sources: MetricsSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  turn(t: TurnObservation): void {
    const intent = t.intent ?? '-';
    const kindKey = `${t.channel}|${t.event}|${intent}`;
    let kind = this.turnKinds.get(kindKey);
    if (!kind) {
      const { channel, event } = t;
      kind = {
        turns: this.turns.series({ channel, event, intent }),
        seconds: this.turnSeconds.series({ channel, event }),
      };
      this.turnKinds.set(kindKey, kind);
    }
    kind.turns.inc();
    kind.seconds.observe(t.durationMs / 1000);
    if (t.event === 'user.said') {
      if (t.confidence !== undefined) this.confidence.observe(t.confidence);
      const names = ['turns', `intent.${intent}`, `channel.${t.channel}`];
      if (t.started) names.push('conversations');
      const missed = t.intent === 'other' || (t.confidence ?? 1) < MISUNDERSTOOD_BELOW;
      if (missed) names.push('misunderstood');
      const analytics = this.o.analytics;
      if (analytics?.tally) analytics.tally(t.at, names);
      else this.write((a) => a.increment(t.at, Object.fromEntries(names.map((n) => [n, 1]))));
      if (missed && t.text) this.write((a) => a.misunderstood(t.at, maskPersonalData(t.text!).slice(0, 200)));
    } else if (t.event === 'agent.joined') {
      this.write(async (a) => {
        const since = await a.waitEnded(t.conversationId);
        if (since === undefined) return;
        const seconds = Math.max(0, (t.at - since) / 1000);
        this.waitSeconds.observe(seconds);
        const bucket = WAIT_BUCKETS.find((b) => seconds <= b);
        await a.increment(t.at, {
          'handoff.answered': 1,
          'handoff.waitMs': Math.round(seconds * 1000),
          [`handoff.wait.${bucket ?? 'more'}`]: 1,
        });
      });
    }
  }

  effect(type: EffectType, params: unknown, ctx: EffectObservation): void {
    switch (type) {
      case 'requestHandoff': {
        const { reason } = params as EffectParams['requestHandoff'];
        this.handoffs.inc({ reason });
        this.write(async (a) => {
          await a.waitStarted(ctx.conversationId, ctx.at);
          await a.increment(ctx.at, { handoffs: 1, [`handoff.reason.${reason}`]: 1 });
        });
        break;
      }
      case 'endHandoff': {
        const { reason } = params as EffectParams['endHandoff'];
        this.handoffEnds.inc({ reason });
        this.write(async (a) => {
          if (reason !== 'agent_released') await a.waitEnded(ctx.conversationId);
          await a.increment(ctx.at, { [`handoff.end.${reason}`]: 1 });
        });
        break;
      }
      case 'createTicket': {
        const { kind } = params as EffectParams['createTicket'];
        this.ticketsCreated.inc({ kind });
        this.write((a) => a.increment(ctx.at, { [`tickets.${kind}`]: 1 }));
        break;
      }
      case 'recordSatisfaction': {
        const { surveyId, score } = params as EffectParams['recordSatisfaction'];
        if (!Number.isInteger(score) || score < 1 || score > 5) break;
        if (!this.surveysSeen.has(surveyId)) {
          this.surveysSeen.add(surveyId);
          if (this.surveysSeen.size > SURVEYS_REMEMBERED) this.surveysSeen.clear();
          this.surveyScore.observe(score);
        }
        this.write((a) => a.survey(ctx.at, surveyId, score));
        break;
      }
      default:
        break;
    }
  }

  error(code: string, source = 'turn'): void {
    this.errors.inc({ code, source });
  }

  /** For `instrumentRedis`: one Redis command's round trip. */
  redisCommand(command: string, seconds: number, ok: boolean): void {
    const byCommand = ok ? this.redisOk : this.redisFailed;
    let series = byCommand.get(command);
    if (!series) {
      series = this.redisSeconds.series({ command, outcome: ok ? 'ok' : 'error' });
      byCommand.set(command, series);
    }
    series.observe(seconds);
  }

  /** Resolves when the analytics writes started so far are done (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private write(work: (analytics: AnalyticsStore) => Promise<unknown>): void {
    const analytics = this.o.analytics;
    if (!analytics) return;
    const p = work(analytics).catch((err: unknown) => {
      this.o.logger?.warn({ err: (err as Error).message }, 'analytics write failed');
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}

/** `GET /metrics` in the Prometheus text format, and error codes of HTTP answers counted. */
export function metricsRoutes(metrics: KefuMetrics) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/metrics', async (_req, reply) => {
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    });
    app.addHook('onSend', (_req, reply, payload, done) => {
      if (reply.statusCode >= 400 && typeof payload === 'string' && payload.startsWith('{"error"')) {
        try {
          const code = (JSON.parse(payload) as { error?: { code?: unknown } }).error?.code;
          if (typeof code === 'string') metrics.error(code, 'http');
        } catch {
          // Not our error shape: nothing to count.
        }
      }
      done(null, payload);
    });
  };
}
