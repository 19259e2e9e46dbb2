import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import type { WebChannel } from '../../adapters/web.js';
import type { Runtime } from '../runtime/runtime.js';
import type { OutboxStore } from '../store/outbox-store.js';
import { sendError } from './http-errors.js';
import { RequestLog } from './request-log.js';
import { healthRoutes } from './routes/health.js';
import { webRoutes } from './routes/web.js';

export interface AppDeps {
  runtime: Runtime;
  web: WebChannel;
  outbox: OutboxStore;
  logger: Logger;
  ready: () => Promise<boolean>;
  /** Per-address rate limit hook (src/server/rate-limit.ts), registered before every route. */
  rateLimit?: (app: FastifyInstance) => void;
  /** Feature routes registered by later modules (admin, agent, channels). */
  plugins?: ((app: FastifyInstance) => void | Promise<void>)[];
}

const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/** The HTTP app: coded errors everywhere, never a stack trace to a client. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new RequestLog(),
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
  });

  app.setErrorHandler((err: { code?: string; statusCode?: number; message: string; name?: string }, req, reply) => {
    const code = err.code ?? '';
    if (code === 'KEFU_TURN_TIMEOUT' || code === 'KEFU_STORE_UNAVAILABLE' || err.name === 'StoreUnavailableError') {
      return sendError(reply, 'KEFU_STORE_UNAVAILABLE', 'the service is busy, please retry');
    }
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendError(reply, 'KEFU_PAYLOAD_TOO_LARGE', 'request body too large');
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return sendError(reply, 'KEFU_UNSUPPORTED_MEDIA_TYPE', 'unsupported content type');
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, 'KEFU_BAD_REQUEST', err.message);
    }
    req.log.error({ err }, 'request failed');
    return sendError(reply, 'KEFU_INTERNAL', 'internal error');
  });
  // Answers still in flight when shutdown starts close their keep-alive connection, so the
  // server can finish them and exit instead of waiting on idle sockets.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Callback style, like the hooks below that run on every request: an async hook costs a
  // promise and a tick per request.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.setNotFoundHandler((_req, reply) => sendError(reply, 'KEFU_NOT_FOUND', 'not found'));

  deps.rateLimit?.(app);
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/', index: ['index.html'] });
  healthRoutes(app, deps.ready);
  webRoutes(app, deps.runtime, deps.web, deps.outbox);
  for (const plugin of deps.plugins ?? []) await plugin(app);
  return app;
}
