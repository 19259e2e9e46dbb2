import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { WebChannel } from '../adapters/web.js';
import type { Config } from './config/load.js';
import type { Locale, ReplyRef } from './core/message.js';
import type { Clock, SessionStore } from './core/ports.js';
import type { Recognizer } from './core/nlu.js';
import { createLogger, type Logger } from './log/logger.js';
import { createRecognizer } from './nlu/index.js';
import { Catalog } from './runtime/catalog.js';
import { ChannelRegistry } from './runtime/delivery.js';
import type { EffectHandlers } from './runtime/effects.js';
import { Runtime } from './runtime/runtime.js';
import { buildApp } from './server/app.js';
import { createRateLimits } from './server/rate-limit.js';
import { eraseEffects } from './runtime/erase-effects.js';
import { startRetention } from './runtime/retention.js';
import { revealAudit, revealRoutes } from './server/routes/reveal.js';
import { MemorySessionStore } from './store/memory-session-store.js';
import { HISTORY_CHANNELS, MemoryOutboxStore, RedisOutboxStore, type OutboxStore } from './store/outbox-store.js';
import { createRedis, instrumentRedis } from './store/redis-client.js';
import { Registry } from 'prom-client';
import { KefuMetrics, metricsRoutes } from './server/metrics.js';
import { dashboardRoutes } from './server/routes/dashboard.js';
import { MemoryAnalyticsStore, RedisAnalyticsStore, type AnalyticsStore } from './store/analytics-store.js';
import { BufferedAnalyticsStore } from './store/buffered-analytics.js';
import { RedisSessionStore } from './store/redis-session-store.js';
import {
  MemoryChannelStateStore,
  RedisChannelStateStore,
  type ChannelStateStore,
} from './store/channel-state-store.js';
import type { ChannelDeps, StartedChannel } from './server/routes/channel-kit.js';
import { startLine } from './server/routes/line.js';
import { startSms } from './server/routes/sms.js';
import { startWechatOfficial } from './server/routes/wechat-official.js';
import { MemoryTicketStore } from './store/memory-ticket-store.js';
import { RedisTicketStore } from './store/redis-ticket-store.js';
import type { TicketStore } from './store/ticket-store.js';
import { loadRegionTable } from './domain/region-table.js';
import { ticketEffects } from './runtime/ticket-effects.js';
import { feedbackEffects, loadDepartments } from './runtime/feedback-effects.js';
import { adminRoutes } from './server/routes/admin.js';
import { Notify } from './notify/notify.js';
import { statusLookups } from './notify/lookups.js';
import { createHandoff } from './handoff/create.js';
import { handoffEffects } from './handoff/effects.js';
import type { HandoffService } from './handoff/service.js';
import { liveReplies } from './handoff/live-replies.js';
import { agentRoutes } from './server/routes/agent.js';

/** Everything a running kefu is made of, wired from configuration. */
export interface Kefu {
  config: Config;
  logger: Logger;
  runtime: Runtime;
  channels: ChannelRegistry;
  sessions: SessionStore;
  outbox: OutboxStore;
  tickets: TicketStore;
  /** Timers, SLA deadlines and counters, reliable proactive delivery (issue 5). */
  notify: Notify;
  handoff: HandoffService;
  catalog: Catalog;
  redis?: Redis;
  app: FastifyInstance;
  /** Prometheus registry (own per instance) and the analytics observer of the runtime. */
  metrics: KefuMetrics;
  close(): Promise<void>;
}

export interface KefuOverrides {
  logger?: Logger;
  clock?: Clock;
  recognizer?: Recognizer;
  /** A wechaty puppet instance (tests: wechaty-puppet-mock); starts the wechaty channel. */
  wechatyPuppet?: unknown;
}

/** Wire kefu: Redis when `REDIS_URL` is set, otherwise the embedded in-memory stores. */
export async function createKefu(config: Config, overrides: KefuOverrides = {}): Promise<Kefu> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const clock = overrides.clock ?? { now: () => Date.now() };
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
  redis?.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  // Issue 11: a registry per instance (tests run many kefus in one process); analytics where the sessions are.
  // In Redis, summed in memory and written once a second (issue 10).
  const analytics: AnalyticsStore = redis
    ? new BufferedAnalyticsStore(new RedisAnalyticsStore(redis))
    : new MemoryAnalyticsStore();
  const metrics = new KefuMetrics(new Registry(), { analytics, logger });
  if (redis) instrumentRedis(redis, (command, seconds, ok) => metrics.redisCommand(command, seconds, ok));
  const catalog = await Catalog.load();
  // History (transcript, latest answer) keeps the catalog's replies as recipes, rendered when read.
  const render = (reply: ReplyRef, locale: Locale) => catalog.render(reply, locale);
  const sessions: SessionStore = redis
    ? new RedisSessionStore(redis, {
        turnWaitMs: config.TURN_WAIT_MS,
        historyChannels: HISTORY_CHANNELS,
        transcriptLimit: config.HANDOFF_TRANSCRIPT_LIMIT,
        render,
      })
    : new MemorySessionStore(() => clock.now(), {
        turnWaitMs: config.TURN_WAIT_MS,
        dedupeTtlMs: 86_400_000,
        // The embedded handoff store keeps transcripts; `handoff` exists by the first turn.
        transcript: (conversationId, lines) => handoff.d.store.appendTranscript(conversationId, lines),
      });
  const outbox: OutboxStore = redis ? new RedisOutboxStore(redis, render) : new MemoryOutboxStore();
  const notify = new Notify({ ...(redis ? { redis } : {}), clock, logger });
  const tickets: TicketStore = notify.trackTickets(redis ? new RedisTicketStore(redis) : new MemoryTicketStore());
  const halls = loadRegionTable(config.REGION_TABLE_PATH);
  const channels: ChannelRegistry = notify.channels;
  const web = new WebChannel(
    (id, messages, at) => outbox.append(id, messages, at),
    () => clock.now(),
    redis !== undefined && HISTORY_CHANNELS.includes('web'),
  );
  channels.register(web);

  // Issue 7: agent queue, assignment and transcripts; `runtime` is read when an agent acts, after it exists.
  const topics = createRecognizer();
  const handoff = createHandoff(config, redis, {
    clock,
    text: (ref, locale) => catalog.text(ref, locale),
    push: (delivery) => channels.push(delivery),
    dispatch: (target, event, eventId) => runtime.dispatch(target, event, eventId),
    understand: async (text, locale) => (await topics.understand(text, { locale })).intent,
    tickets: () => tickets,
    notifyHandoff: async (notice) => channels.get(notice.channel)?.notifyHandoff?.(notice),
  });
  const effects: EffectHandlers = {
    ...handoffEffects(handoff),
    rememberLocale: () => {},
    ...ticketEffects({
      tickets,
      halls,
      lookups: statusLookups({
        tickets: () => tickets,
        text: (key, params, locale) => catalog.text({ key, params }, locale),
        regionTable: halls,
      }),
    }),
    ...notify.effects,
  };
  // Issue 6: FK tickets (department, reply deadline) and ticket satisfaction scores, over the handlers above.
  Object.assign(
    effects,
    feedbackEffects({
      tickets,
      sla: notify.sla,
      departments: loadDepartments(config.FEEDBACK_DEPARTMENTS_FILE),
      base: { ...effects },
      ...(config.OPENAI_API_KEY
        ? {
            llm: {
              apiKey: config.OPENAI_API_KEY,
              model: config.OPENAI_MODEL,
              timeoutMs: config.OPENAI_TIMEOUT_MS,
              ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
            },
          }
        : {}),
    }),
  );
  // Issue 9: "删除我的信息" erases the conversation's stored data and closed tickets' personal fields.
  Object.assign(effects, eraseEffects({ tickets, outbox, ...(redis ? { redis } : {}), logger }));
  const stopRetention = redis ? startRetention(redis, config.TRANSCRIPT_RETENTION_DAYS * 86_400_000, logger) : () => {};

  const limits = createRateLimits({
    ipPerMinute: config.RATE_LIMIT_IP_PER_MINUTE,
    ...(redis ? { redis } : {}),
    politeReply: (locale) => catalog.render({ message: { key: 'errors.rateLimited' } }, locale),
  });
  const runtime = new Runtime({
    userPerMinute: config.RATE_LIMIT_USER_PER_MINUTE,
    sessions,
    recognizer:
      overrides.recognizer ??
      createRecognizer(
        config.OPENAI_API_KEY
          ? {
              openai: {
                apiKey: config.OPENAI_API_KEY,
                model: config.OPENAI_MODEL,
                timeoutMs: config.OPENAI_TIMEOUT_MS,
                ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
              },
            }
          : {},
      ),
    catalog,
    clock,
    channels,
    effects,
    logger,
    sessionTtlMs: config.SESSION_TTL_MINUTES * 60_000,
    maxTextLength: config.MAX_TEXT_LENGTH,
    observer: metrics,
    alongCommit: liveReplies(handoff.d.bus),
  });
  metrics.attach({
    tickets,
    queueLength: async () => (await handoff.queue()).length,
    slaCounters: () => notify.getSlaCounters(),
  });

  notify.bind((target, event, eventId) => runtime.dispatch(target, event, eventId));

  // Optional channels: each starts only when its configuration is present (issue 8).
  const state: ChannelStateStore = redis
    ? new RedisChannelStateStore(redis)
    : new MemoryChannelStateStore(() => clock.now());
  const channelDeps: ChannelDeps = { config, runtime, sessions, catalog, logger, clock, state };
  const configured = [startLine(channelDeps), startSms(channelDeps), startWechatOfficial(channelDeps)];
  // botbuilder (~1 s) and wechaty (~1.7 s) are loaded only when configured.
  if (config.MicrosoftAppId || config.BOTFRAMEWORK_EMULATOR) {
    configured.push((await import('./server/routes/botframework.js')).startBotFramework(channelDeps));
  }
  if (config.WECHATY_PUPPET || overrides.wechatyPuppet) {
    configured.push(
      await (await import('./server/routes/wechaty.js')).startWechaty(channelDeps, overrides.wechatyPuppet),
    );
  }
  const optional = configured.filter((c): c is StartedChannel => c !== undefined);
  for (const c of optional) channels.register(c.adapter);
  const plugins = optional.flatMap((c) => (c.plugin ? [c.plugin] : []));
  const stats = { analytics, tickets, now: () => clock.now(), slaCounters: () => notify.getSlaCounters() };
  plugins.push(adminRoutes({ token: config.ADMIN_TOKEN, tickets, runtime, clock, stats }));
  plugins.push(metricsRoutes(metrics), dashboardRoutes());
  plugins.push(agentRoutes(handoff, { maxTextLength: config.MAX_TEXT_LENGTH }));
  plugins.push(revealRoutes({ service: handoff, tickets, audit: revealAudit(redis), logger, now: () => clock.now() }));

  // Not ready while the connection is down: say so at once instead of waiting on a reconnect.
  const ready = async () => (redis && redis.status !== 'ready' ? false : sessions.ping());
  const app = await buildApp({ runtime, web, outbox, logger, ready, plugins, rateLimit: limits.plugin });

  return {
    config,
    logger,
    runtime,
    channels,
    sessions,
    outbox,
    tickets,
    notify,
    handoff,
    catalog,
    ...(redis ? { redis } : {}),
    app,
    metrics,
    async close() {
      stopRetention();
      await notify.close();
      await app.close();
      await runtime.drain();
      await metrics.flush();
      await analytics.close?.();
      for (const c of optional) await c.close?.();
      await sessions.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** `kefu start`: listen, and on SIGTERM/SIGINT stop taking requests, finish turns in flight, exit. */
export async function startServer(config: Config): Promise<Kefu> {
  const kefu = await createKefu(config);
  await kefu.app.listen({ port: config.PORT, host: config.HOST });
  kefu.logger.info(
    { port: config.PORT, store: kefu.redis ? 'redis' : 'memory' },
    kefu.redis ? 'kefu listening (Redis)' : 'kefu listening (embedded in-memory stores; set REDIS_URL for production)',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    kefu.logger.info({ signal }, 'shutting down: finishing turns in flight');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    kefu.close().then(
      () => process.exit(0),
      (err: unknown) => {
        kefu.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return kefu;
}
