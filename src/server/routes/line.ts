import { messagingApi } from '@line/bot-sdk';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LineChannel, type LineEvent } from '../../../adapters/line/line-channel.js';
import { sendError } from '../http-errors.js';
import type { ChannelDeps, StartedChannel } from './channel-kit.js';

const callback = z.object({
  events: z.array(
    z
      .object({ type: z.string(), webhookEventId: z.string().min(1), timestamp: z.number() })
      .passthrough()
      .transform((e) => e as LineEvent),
  ),
});

// LINE redelivers for a while after a failed webhook; a day is well past that.
const ANSWERED_TTL_MS = 86_400_000;

/** LINE starts when its channel secret and access token are configured. */
export function startLine(deps: ChannelDeps): StartedChannel | undefined {
  const { LINE_CHANNEL_SECRET: secret, LINE_CHANNEL_ACCESS_TOKEN: token, LINE_API_BASE_URL: baseURL } = deps.config;
  if (!secret || !token) return undefined;
  const client = new messagingApi.MessagingApiClient({ channelAccessToken: token, ...(baseURL ? { baseURL } : {}) });
  const line = new LineChannel({
    channelSecret: secret,
    client,
    handle: (m) => deps.runtime.handle(m),
    onError: (err, context) => deps.logger.warn({ err }, context),
    now: () => deps.clock.now(),
    answered: {
      has: async (conversationId, id) => (await deps.state.get(conversationId, `answered:${id}`)) !== undefined,
      mark: (conversationId, id) => deps.state.set(conversationId, `answered:${id}`, 1, ANSWERED_TTL_MS),
    },
  });
  return { adapter: line, plugin: (app) => lineRoutes(app, line) };
}

/** `POST /api/line/webhook`: the signature covers the raw bytes, so this route parses them itself. */
export async function lineRoutes(app: FastifyInstance, line: LineChannel): Promise<void> {
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post('/api/line/webhook', async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signature = req.headers['x-line-signature'];
      if (!line.verify(raw, typeof signature === 'string' ? signature : undefined)) {
        return sendError(reply, 'KEFU_UNAUTHORIZED', 'invalid LINE signature');
      }
      let parsed: z.infer<typeof callback>;
      try {
        parsed = callback.parse(JSON.parse(raw.toString('utf8')));
      } catch {
        return sendError(reply, 'KEFU_BAD_REQUEST', 'expected a LINE webhook body');
      }
      // The console's "Verify" sends no events: 200 is all it wants.
      await line.receive(parsed.events);
      return {};
    });
  });
}
