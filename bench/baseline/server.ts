/**
 * The Bot Framework baseline behind kefu's web chat contract:
 * `POST /api/web/messages {"userId","text","locale"?,"messageId"?,"postback"?}` ->
 * `{"replies":[{"text","quickReplies"?,"buttons"?}]}`, and `GET /healthz`.
 *
 * `node --import tsx bench/baseline/server.ts` with REDIS_URL, PORT and HOST (bench/run.ts).
 *
 * Adapter: CloudAdapter's `process`, the production entry point of a botbuilder 4.x bot, with
 * the activity's `deliveryMode: 'expectReplies'`. That is how Bot Framework answers a
 * synchronous caller (Direct Line App Service Extension, skills, Copilot Studio): the replies
 * are buffered on the TurnContext and returned as the HTTP response body instead of being posted
 * one by one to the channel's serviceUrl. A hand-written BotAdapter would skip CloudAdapter's
 * request validation and authentication step, which a production bot cannot skip. Without
 * MicrosoftAppId (as here) CloudAdapter accepts the request anonymously, so no JWT is checked:
 * that favours the baseline slightly.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import {
  AutoSaveStateMiddleware,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  UserState,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import { Redis } from 'ioredis';
import { coalesceWrites } from '../../src/store/redis-client.js';
import { loadRegionTable } from '../../src/domain/region-table.js';
import { createOfflineRecognizer } from '../../src/nlu/offline.js';
import { BaselineBot, TURN_KEY, localeOf, t } from './bot.js';
import { RedisStorage } from './redis-storage.js';

export interface BaselineServer {
  server: Server;
  url: string;
  redis: Redis;
  close(): Promise<void>;
}

interface WebReply {
  text: string;
  quickReplies?: string[];
  buttons?: { label: string; value: string }[];
}

/** The web chat's reply shape from a Bot Framework message activity. */
function toReply(activity: Partial<Activity>): WebReply {
  const reply: WebReply = { text: activity.text ?? '' };
  const actions = activity.suggestedActions?.actions ?? [];
  if (actions.length > 0) {
    reply.quickReplies = actions.map((a) => a.title ?? String(a.value));
    reply.buttons = actions.map((a) => {
      const value = a.value as { postback?: string } | string | undefined;
      return {
        label: a.title ?? '',
        value: typeof value === 'string' ? value : (value?.postback ?? a.title ?? ''),
      };
    });
  }
  return reply;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const USER_ID = /^[\w.@:-]{1,128}$/u;

export async function startBaseline(options: {
  redisUrl: string;
  port?: number;
  host?: string;
  /** Key prefix in Redis (default `bf:`), so tests can keep apart. */
  prefix?: string;
}): Promise<BaselineServer> {
  // The same client settings as kefu's (src/store/redis-client.ts): writes coalesced per loop
  // turn. (Measured against ioredis's auto-pipelining, which kefu used before: no difference for
  // the baseline, 1228-1259 against 1177-1280 turns/s in alternating pinned runs.)
  const redis = coalesceWrites(new Redis(options.redisUrl, { maxRetriesPerRequest: 1 }));
  const prefix = options.prefix ?? 'bf:';
  // Conversation state expires like kefu's sessions (30 minutes idle); user state is kept.
  const conversationState = new ConversationState(new RedisStorage(redis, { prefix, ttlSeconds: 30 * 60 }));
  const userState = new UserState(new RedisStorage(redis, { prefix }));
  const bot = new BaselineBot({
    redis,
    recognizer: createOfflineRecognizer(),
    halls: loadRegionTable(),
    conversationState,
    userState,
    prefix,
  });

  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  // Loads are lazy (the first accessor read); both states are saved after the turn, together.
  adapter.use(new AutoSaveStateMiddleware(conversationState, userState));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    console.error(`[onTurnError] ${error.name}: ${error.message}`);
    await conversationState.delete(context);
    await context.sendActivity(t(localeOf(context), 'errors.busy'));
  };

  const server = createServer((req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const payload = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(payload),
        ...headers,
      });
      res.end(payload);
    };
    if (req.method === 'GET' && req.url === '/healthz') return send(200, { status: 'ok' });
    if (req.method !== 'POST' || req.url !== '/api/web/messages') return send(404, { error: 'not found' });
    void (async () => {
      let body: { userId?: unknown; text?: unknown; locale?: unknown; messageId?: unknown; postback?: unknown };
      try {
        body = (await readJson(req)) as typeof body;
      } catch {
        return send(400, { error: 'expected {"userId","text"}' });
      }
      if (typeof body.userId !== 'string' || !USER_ID.test(body.userId) || typeof body.text !== 'string') {
        return send(400, { error: 'expected {"userId","text","locale"?}' });
      }
      const activity: Partial<Activity> = {
        type: 'message',
        id: typeof body.messageId === 'string' ? body.messageId : randomUUID(),
        timestamp: new Date(),
        channelId: 'web',
        serviceUrl: 'http://127.0.0.1/',
        from: { id: body.userId, name: body.userId },
        recipient: { id: 'kefu-baseline', name: 'kefu-baseline' },
        conversation: { id: body.userId, isGroup: false, name: '', conversationType: 'personal' },
        text: body.text,
        locale: typeof body.locale === 'string' ? body.locale : 'zh-CN',
        deliveryMode: 'expectReplies',
        ...(typeof body.postback === 'string' ? { value: { postback: body.postback } } : {}),
      };
      // Express-style request/response for CloudAdapter.process (what restify/express hand it).
      let status = 500;
      let result: unknown;
      let turn: number | undefined;
      await adapter.process(
        { method: 'POST', headers: req.headers as Record<string, string>, body: activity as Record<string, unknown> },
        {
          socket: req.socket,
          status: (code: number) => (status = code),
          send: (b: unknown) => (result = b),
          header: () => undefined,
          end: () => undefined,
        },
        async (context) => {
          await bot.run(context);
          turn = context.turnState.get(TURN_KEY) as number | undefined;
        },
      );
      if (status !== 200) return send(status, { error: String(result ?? 'error') });
      const activities = ((result as { activities?: Partial<Activity>[] } | undefined)?.activities ?? []).filter(
        (a) => a.type === 'message',
      );
      return send(
        200,
        { replies: activities.map(toReply) },
        // The bench checks turns are applied in order, as it does with kefu's header.
        turn !== undefined ? { 'x-kefu-turn': String(turn) } : {},
      );
    })().catch((err: unknown) => {
      console.error(err);
      if (!res.headersSent) send(500, { error: 'internal error' });
    });
  });
  server.keepAliveTimeout = 72_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    server,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    redis,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    console.error('REDIS_URL is required');
    process.exit(2);
  }
  const baseline = await startBaseline({
    redisUrl,
    port: Number(process.env.PORT ?? 3979),
    host: process.env.HOST ?? '127.0.0.1',
  });
  console.log(`botframework baseline listening on ${baseline.url}`);
  const stop = () => {
    void baseline.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
