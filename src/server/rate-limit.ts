import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DEFAULT_LOCALE, LOCALES, type Locale, type OutboundMessage } from '../core/message.js';
import { sendError } from './http-errors.js';

/**
 * Per-address limits of the HTTP APIs. (A user's own limit, messages per conversation a minute, is
 * counted by the turn start itself: `RuntimeOptions.userPerMinute`.)
 */
export interface RateLimitOptions {
  /** Requests one source address may make a minute to the web and staff APIs; 0 turns it off. */
  ipPerMinute: number;
  /** Shared connection: counters hold across processes. Without it, counters live in this process. */
  redis?: Redis;
  /** The polite refusal in the user's language (`errors.rateLimited`). */
  politeReply: (locale: Locale) => OutboundMessage;
}

export interface RateLimits {
  /** The per-address hook, registered before the routes it guards. */
  plugin(app: FastifyInstance): void;
}

// Platform webhooks arrive from the platform's few addresses on behalf of all their users: an
// address limit there would silence everyone at once. Their users are limited one by one instead.
const WEBHOOKS = ['/api/line/webhook', '/api/messages', '/api/wechat/', '/api/sms/'];
const guarded = (url: string) =>
  url.startsWith('/api/') && !WEBHOOKS.some((w) => url === w || url.startsWith(w.endsWith('/') ? w : `${w}?`));

interface Limiter {
  consume(key: string): Promise<unknown>;
}

function limiter(prefix: string, points: number, redis: Redis | undefined): Limiter {
  const memory = new RateLimiterMemory({ keyPrefix: prefix, points, duration: 60 });
  if (!redis) return { consume: (key) => memory.consume(key, 1) };
  // While Redis is down the counters fall back to this process (the insurance limiter) rather
  // than letting everything through or refusing everyone. (Not `rejectIfRedisNotReady`: that
  // also falls back while the connection is still being made at start-up, splitting the counts.)
  // ioredis auto-pipelining (on for Cluster connections) batches this script with others; on a Redis that has not loaded
  // them yet, its NOSCRIPT recovery then crashes the process ("results[i] is not iterable").
  // Sent on its own it is fine.
  const ignored = redis.options.autoPipeliningIgnoredCommands ?? [];
  if (!ignored.includes('rlflxIncr')) redis.options.autoPipeliningIgnoredCommands = [...ignored, 'rlflxIncr'];
  const shared = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `kefu:rl:${prefix}`,
    points,
    duration: 60,
    insuranceLimiter: memory,
  });
  // Known to be down (reconnecting): count here at once rather than wait on the reconnect.
  return { consume: (key) => (redis.status === 'reconnecting' ? memory : shared).consume(key, 1) };
}

async function admitted(rl: Limiter | undefined, key: string): Promise<RateLimiterRes | true> {
  if (!rl) return true;
  try {
    await rl.consume(key);
    return true;
  } catch (res) {
    if (res instanceof RateLimiterRes) return res;
    return true; // the counter store failed and so did the insurance: do not punish the user for it
  }
}

const localeOf = (req: FastifyRequest): Locale => {
  const body = req.body as { locale?: unknown } | undefined;
  const l = typeof body?.locale === 'string' ? body.locale : undefined;
  return l && (LOCALES as readonly string[]).includes(l) ? (l as Locale) : DEFAULT_LOCALE;
};

/** Per-address limits, in Redis when there is one (rate-limiter-flexible). */
export function createRateLimits(o: RateLimitOptions): RateLimits {
  const ips = o.ipPerMinute > 0 ? limiter('ip', o.ipPerMinute, o.redis) : undefined;
  return {
    plugin(app) {
      if (!ips) return;
      app.addHook('preHandler', async (req, reply) => {
        if (!guarded(req.url)) return;
        const res = await admitted(ips, req.ip);
        if (res === true) return;
        reply.header('retry-after', String(Math.max(1, Math.ceil(res.msBeforeNext / 1000))));
        reply.header('x-kefu-error', 'KEFU_RATE_LIMITED');
        // A person typing in the web chat reads replies; every other client gets the status.
        if (req.method === 'POST' && req.url.split('?')[0] === '/api/web/messages') {
          const polite = o.politeReply(localeOf(req));
          return reply.send({ replies: [{ text: polite.text }] });
        }
        return sendError(reply, 'KEFU_RATE_LIMITED', 'too many requests, please slow down');
      });
    },
  };
}
