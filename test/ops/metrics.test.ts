import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../src/domain/ticket.js';
import { KefuMetrics } from '../../src/server/metrics.js';
import { slaOutcomes } from '../../src/server/sla-outcomes.js';
import { buildStats } from '../../src/server/stats.js';
import { MemoryAnalyticsStore } from '../../src/store/analytics-store.js';
import { MemoryTicketStore } from '../../src/store/memory-ticket-store.js';

const T0 = Date.UTC(2026, 10, 25, 2, 0, 0);
const ctx = (conversationId: string, at = T0) => ({ conversationId, channel: 'web' as const, at });
const userTurn = (
  conversationId: string,
  intent: 'apply' | 'other',
  confidence: number,
  text: string,
  started = false,
) => ({
  conversationId,
  channel: 'web' as const,
  event: 'user.said' as const,
  intent,
  confidence,
  text,
  started,
  tickets: [],
  state: 'ready',
  replies: [],
  durationMs: 12,
  at: T0,
});

function setup() {
  const analytics = new MemoryAnalyticsStore();
  const tickets = new MemoryTicketStore();
  const metrics = new KefuMetrics(new Registry(), { analytics, defaultMetrics: false });
  metrics.attach({
    tickets,
    queueLength: async () => 3,
    slaCounters: async () => ({ overdue: 2, 'overdue.feedback.reply': 2 }),
  });
  return { analytics, tickets, metrics };
}

describe('metrics from observed turns and effects', () => {
  it('counts turns by channel and intent, latency, confidence, handoffs, surveys, errors and reads sources at scrape', async () => {
    const { metrics } = setup();
    metrics.turn(userTurn('web:a', 'apply', 0.9, '我要办理异地服务', true));
    metrics.turn(userTurn('web:a', 'other', 0.2, '随便说说'));
    metrics.effect('requestHandoff', { reason: 'user_request' }, ctx('web:a'));
    metrics.effect(
      'recordSatisfaction',
      { surveyId: 's1', subject: { kind: 'agent', agent: 'a' }, score: 4 },
      ctx('web:a'),
    );
    // The comment replaces the score-only record: still one survey.
    metrics.effect(
      'recordSatisfaction',
      { surveyId: 's1', subject: { kind: 'agent', agent: 'a' }, score: 4, comment: 'ok' },
      ctx('web:a'),
    );
    metrics.error('KEFU_STORE_UNAVAILABLE');
    metrics.redisCommand('evalsha', 0.002, true);
    await metrics.flush();
    const text = await metrics.registry.metrics();
    expect(text).toContain('kefu_turns_total{channel="web",event="user.said",intent="apply"} 1');
    expect(text).toContain('kefu_turns_total{channel="web",event="user.said",intent="other"} 1');
    expect(text).toContain('kefu_turn_duration_seconds_count{channel="web",event="user.said"} 2');
    expect(text).toContain('kefu_understanding_confidence_bucket{le="0.2"} 1');
    expect(text).toContain('kefu_handoffs_total{reason="user_request"} 1');
    expect(text).toContain('kefu_handoff_queue_length 3');
    expect(text).toContain('kefu_survey_score_count 1');
    expect(text).toContain('kefu_errors_total{code="KEFU_STORE_UNAVAILABLE",source="turn"} 1');
    expect(text).toContain('kefu_redis_command_duration_seconds_count{command="evalsha",outcome="ok"} 1');
    expect(text).toContain('kefu_sla_missed{kind="feedback",step="reply"} 2');
  });

  it('keeps analytics: conversations, containment, waits, CSAT, intents and masked misunderstood messages', async () => {
    const { metrics, analytics, tickets } = setup();
    for (const id of ['web:a', 'web:b', 'web:c', 'web:d']) metrics.turn(userTurn(id, 'apply', 0.95, '你好', true));
    metrics.turn(userTurn('web:a', 'other', 0.1, '我的手机13812345678打不通'));
    metrics.effect('requestHandoff', { reason: 'user_request' }, ctx('web:a'));
    metrics.turn({ ...userTurn('web:a', 'other', 0, ''), event: 'agent.joined', at: T0 + 90_000 });
    metrics.effect(
      'recordSatisfaction',
      { surveyId: 's1', subject: { kind: 'agent', agent: 'a' }, score: 5 },
      ctx('web:a'),
    );
    metrics.effect(
      'recordSatisfaction',
      { surveyId: 's2', subject: { kind: 'agent', agent: 'a' }, score: 2 },
      ctx('web:b'),
    );
    await metrics.flush();
    const stats = await buildStats({ analytics, tickets, now: () => T0 }, { from: '2026-11-25', to: '2026-11-25' });
    expect(stats.conversations).toBe(4);
    expect(stats.containmentRate).toBe(0.75);
    expect(stats.handoff).toMatchObject({ requested: 1, rate: 0.25, answered: 1, averageWaitSeconds: 90 });
    expect(stats.handoff.waitDistribution['120']).toBe(1);
    expect(stats.csat).toEqual({
      responses: 2,
      average: 3.5,
      distribution: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 1 },
    });
    expect(stats.topIntents[0]).toEqual({ intent: 'apply', count: 4 });
    expect(stats.misunderstood.count).toBe(1);
    const top = stats.misunderstood.top[0]!.text;
    expect(top).not.toContain('13812345678');
    expect(top).toContain('138****5678');
    expect(stats.daily).toEqual([{ day: '2026-11-25', conversations: 4, handoffs: 1, misunderstood: 1 }]);
  });
});

describe('SLA outcomes from ticket deadlines and history', () => {
  const ticket = (over: Partial<Ticket>): Ticket => ({
    number: 'FK261125000001',
    kind: 'feedback',
    status: 'received',
    createdAt: T0,
    updatedAt: T0,
    channel: 'web',
    userId: 'u',
    conversationId: 'web:u',
    locale: 'zh-CN',
    history: [{ at: T0, from: null, to: 'received', by: 'user' }],
    deadlines: {},
    ...over,
  });

  it('a step left before its deadline is met, after it missed, still waiting is open or missed by the clock', () => {
    const met = ticket({
      status: 'replied',
      deadlines: { reply: T0 + 1000 },
      history: [
        { at: T0, from: null, to: 'received', by: 'user' },
        { at: T0 + 500, from: 'received', to: 'replied', by: 'admin' },
      ],
    });
    const late = ticket({
      status: 'replied',
      deadlines: { reply: T0 + 1000, replyExpected: T0 + 5000 },
      history: [
        { at: T0, from: null, to: 'received', by: 'user' },
        { at: T0 + 2000, from: 'received', to: 'replied', by: 'admin' },
      ],
    });
    const waiting = ticket({ deadlines: { reply: T0 + 1000 } });
    expect(slaOutcomes([met, late, waiting], T0 + 10)).toEqual({ 'feedback.reply': { met: 1, missed: 1, open: 1 } });
    expect(slaOutcomes([waiting], T0 + 2000)).toEqual({ 'feedback.reply': { met: 0, missed: 1, open: 0 } });
  });
});
