import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { WebChannel } from '../../../adapters/web.js';
import { DEFAULT_LOCALE, conversationIdOf } from '../../core/message.js';
import type { Runtime, TurnResult } from '../../runtime/runtime.js';
import type { OutboxStore } from '../../store/outbox-store.js';
import { sendError } from '../http-errors.js';

// userId is opaque to us but lands in Redis keys and logs: keep it short and printable.
const userId = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[\w.@:-]+$/u, 'letters, digits and . _ - @ : only');

const postBody = z.object({
  userId,
  text: z.string(),
  locale: z.string().max(16).optional(),
  messageId: z.string().trim().min(1).max(128).optional(),
  postback: z.string().max(256).optional(),
});

const TRANSIENT = new Set(['KEFU_STORE_UNAVAILABLE', 'KEFU_TURN_TIMEOUT', 'KEFU_TURN_LOST']);
/** Failures that pass when the store is back: the user should simply try again. */
const isTransient = (err: unknown) => TRANSIENT.has((err as { code?: string } | undefined)?.code ?? '');

const getQuery = z.object({ userId, after: z.coerce.number().int().min(0).optional() });

/** The web chat contract of DESIGN.md. */
export function webRoutes(app: FastifyInstance, runtime: Runtime, web: WebChannel, outbox: OutboxStore): void {
  // Each turn logs one line of its own (conversation, intent, duration): fastify's two request lines
  // would triple the logging of the busiest route (pino + redaction were ~8% of a loaded server).
  app.post('/api/web/messages', { logLevel: 'warn' }, async (req, reply) => {
    const parsed = postBody.safeParse(req.body);
    if (!parsed.success) {
      return sendError(reply, 'KEFU_BAD_REQUEST', 'expected {"userId","text","locale"?}', z.treeifyError(parsed.error));
    }
    const inbound = web.toInbound(parsed.data);
    let result: TurnResult;
    try {
      result = await runtime.handle(inbound);
      // A redelivered message was recorded the first time; record only fresh answers.
      if (!result.duplicate)
        await web.recordAnswer(inbound.conversationId, result.replies, result.refused === undefined);
    } catch (err) {
      if (!isTransient(err)) throw err;
      // A person is reading: say so in their language (200, the chat shows replies). The message
      // was not recorded as handled, so sending it again (same messageId) runs it then.
      req.log.warn({ err }, 'web message not handled: store busy');
      reply.header('x-kefu-error', 'KEFU_STORE_UNAVAILABLE').header('retry-after', '2');
      return { replies: [WebChannel.toReply(runtime.notice('errors.busy', inbound.locale ?? DEFAULT_LOCALE))] };
    }
    if (result.refused) reply.header('x-kefu-error', result.refused);
    // Diagnostics: arrival number and applied-turn count let a client (and the ordering test) check order.
    if (result.seq !== undefined) reply.header('x-kefu-seq', String(result.seq));
    if (result.turn !== undefined) reply.header('x-kefu-turn', String(result.turn));
    if (result.duplicate) reply.header('x-kefu-duplicate', '1');
    return { replies: result.replies.map(WebChannel.toReply) };
  });

  app.get('/api/web/messages', async (req, reply) => {
    const parsed = getQuery.safeParse(req.query);
    if (!parsed.success) return sendError(reply, 'KEFU_BAD_REQUEST', 'expected ?userId=');
    const sent = await outbox.list(conversationIdOf('web', parsed.data.userId), parsed.data.after ?? 0);
    return { messages: sent.map((m) => ({ ...WebChannel.toReply(m), at: new Date(m.at).toISOString() })) };
  });
}
