import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Response } from 'botbuilder';
import type { FastifyInstance } from 'fastify';
import { BotFrameworkChannel } from '../../../adapters/botframework/botframework-channel.js';
import { sendError } from '../http-errors.js';
import { localeFrom, menuLineFrom, type ChannelDeps, type StartedChannel } from './channel-kit.js';

/**
 * Bot Framework starts with `MicrosoftAppId` (every request's token is checked), or without
 * credentials when `BOTFRAMEWORK_EMULATOR=true`, for local use with the Emulator: then any
 * caller is accepted and replies go to the service URL it names, so never expose that mode.
 */
export function startBotFramework(deps: ChannelDeps): StartedChannel | undefined {
  const { MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType } = deps.config;
  if (!MicrosoftAppId && !deps.config.BOTFRAMEWORK_EMULATOR) return undefined;
  const auth = new ConfigurationBotFrameworkAuthentication({
    ...(MicrosoftAppId ? { MicrosoftAppId } : {}),
    ...(MicrosoftAppPassword ? { MicrosoftAppPassword } : {}),
    ...(MicrosoftAppTenantId ? { MicrosoftAppTenantId } : {}),
    ...(MicrosoftAppType ? { MicrosoftAppType } : {}),
  });
  if (!MicrosoftAppId)
    deps.logger.warn('Bot Framework in Emulator mode: /api/messages accepts unauthenticated requests');
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (_context, err) => {
    deps.logger.error({ err }, 'Bot Framework turn failed');
    // Rethrown: the connector gets a 500 and may redeliver; the turn was not saved.
    throw err;
  };
  const bf = new BotFrameworkChannel({
    adapter,
    appId: MicrosoftAppId ?? '',
    handle: (m) => deps.runtime.handle(m),
    references: deps.state,
    menuLine: menuLineFrom(deps.catalog),
    localeOf: localeFrom(deps.sessions),
    now: () => deps.clock.now(),
  });
  return { adapter: bf, plugin: (app) => botFrameworkRoutes(app, bf) };
}

/** `POST /api/messages`, with an Express-like response for CloudAdapter to write to. */
export async function botFrameworkRoutes(app: FastifyInstance, bf: BotFrameworkChannel): Promise<void> {
  app.post('/api/messages', async (req, reply) => {
    // botbuilder throws (a 500) on an activity without a type before it checks the caller: refuse
    // malformed bodies here as the client errors they are.
    const body = req.body as { type?: unknown } | null;
    if (!body || typeof body !== 'object' || typeof body.type !== 'string' || body.type === '')
      return sendError(reply, 'KEFU_BAD_REQUEST', 'expected a Bot Framework activity');
    const out = { status: 200, body: undefined as unknown, headers: {} as Record<string, string> };
    const res: Response = {
      socket: req.raw.socket,
      status: (code: number) => (out.status = code),
      send: (body: unknown) => (out.body = body),
      header: (name: string, value: unknown) => (out.headers[name] = String(value)),
      end: () => undefined,
    };
    await bf.process({ body: req.body as Record<string, unknown>, headers: req.headers, method: req.method }, res);
    if (out.status === 401 || out.status === 403)
      return sendError(
        reply,
        out.status === 401 ? 'KEFU_UNAUTHORIZED' : 'KEFU_FORBIDDEN',
        'invalid Bot Framework token',
      );
    return reply
      .code(out.status)
      .headers(out.headers)
      .send(out.body ?? '');
  });
}
