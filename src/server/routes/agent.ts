import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LOCALES, type Locale } from '../../core/message.js';
import { maskPersonalData } from '../../domain/pii-mask.js';
import type { AgentEvent } from '../../handoff/events.js';
import { HandoffAccessError, type HandoffService } from '../../handoff/service.js';
import type { Handoff } from '../../handoff/types.js';
import { readCatalogs } from '../../runtime/catalog.js';
import { sendError } from '../http-errors.js';

export interface AgentRoutesOptions {
  /** How often an open console re-confirms presence (and the stream sends a keep-alive). */
  heartbeatMs?: number;
  maxTextLength?: number;
}

const messageBody = z.object({ text: z.string().trim().min(1) });
const transferBody = z.object({ to: z.string().trim().min(1).max(64) });
const idParams = z.object({ id: z.string().min(3).max(200) });

/** A queued or held conversation as consoles list it; the user id is shown masked. */
function listed(h: Handoff) {
  return {
    id: h.conversationId,
    channel: h.channel,
    userId: maskPersonalData(h.userId),
    reason: h.reason,
    state: h.state,
    waitingSince: new Date(h.requestedAt).toISOString(),
    preview: maskPersonalData(h.preview),
    ...(h.intent ? { intent: h.intent } : {}),
    ...(h.agent ? { agent: h.agent } : {}),
    locale: h.locale,
  };
}

const bearer = (req: FastifyRequest): string | undefined => {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
};

/** The agent API of DESIGN.md, the live event stream and what the console needs to start. */
export function agentRoutes(service: HandoffService, options: AgentRoutesOptions = {}) {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxText = options.maxTextLength ?? 2000;
  const catalogs = readCatalogs();
  const streams = new Set<ServerResponse>();
  /** Open consoles per agent in this process: the last one closing takes the agent offline. */
  const open = new Map<string, number>();

  return async (app: FastifyInstance): Promise<void> => {
    const authed = (req: FastifyRequest, reply: FastifyReply, allowQuery = false): string | undefined => {
      const token = bearer(req) ?? (allowQuery ? (req.query as { token?: string } | undefined)?.token : undefined);
      const agent = service.agentOf(token);
      if (!agent) void sendError(reply, 'KEFU_UNAUTHORIZED', 'a valid agent token is required');
      return agent;
    };
    const fail = (reply: FastifyReply, err: unknown) => {
      if (err instanceof HandoffAccessError) return sendError(reply, err.code, err.message);
      throw err;
    };
    const idOf = (req: FastifyRequest, reply: FastifyReply): string | undefined => {
      const parsed = idParams.safeParse(req.params);
      if (!parsed.success) void sendError(reply, 'KEFU_BAD_REQUEST', 'bad conversation id');
      return parsed.success ? parsed.data.id : undefined;
    };
    const queuePayload = async (agent: string) => ({
      conversations: (await service.queue()).map(listed),
      mine: (await service.d.store.heldBy(agent)).map(listed),
      online: await service.online(),
    });

    app.addHook('preClose', async () => {
      for (const res of streams) res.end();
      streams.clear();
    });
    app.addHook('onClose', async () => service.d.bus.close());

    // Console strings before sign-in; canned replies are served apart, behind the token.
    app.get('/api/agent/i18n/:locale', async (req, reply) => {
      const locale = (req.params as { locale: string }).locale;
      if (!(LOCALES as readonly string[]).includes(locale)) return sendError(reply, 'KEFU_NOT_FOUND', 'unknown locale');
      const { cannedReplies: _canned, ...strings } = (catalogs[locale as Locale].agent ?? {}) as Record<
        string,
        unknown
      >;
      return { locale, strings };
    });

    app.get('/api/agent/me', async (req, reply) => {
      const agent = authed(req, reply);
      if (!agent) return reply;
      return { name: agent, agents: service.agentNames(), online: await service.online() };
    });

    app.get('/api/agent/canned', async (req, reply) => {
      if (!authed(req, reply)) return reply;
      const wanted = (req.query as { locale?: string }).locale;
      const locale: Locale = (LOCALES as readonly string[]).includes(wanted ?? '') ? (wanted as Locale) : 'zh-CN';
      const canned = ((catalogs[locale].agent as Record<string, unknown> | undefined)?.cannedReplies ?? {}) as Record<
        string,
        string
      >;
      return { replies: Object.entries(canned).map(([id, text]) => ({ id, text })) };
    });

    app.get('/api/agent/queue', async (req, reply) => {
      const agent = authed(req, reply);
      if (!agent) return reply;
      return queuePayload(agent);
    });

    app.get('/api/agent/conversations/:id', async (req, reply) => {
      const agent = authed(req, reply);
      const id = agent && idOf(req, reply);
      if (!agent || !id) return reply;
      try {
        const { handoff, transcript, tickets } = await service.view(id, agent);
        return { conversation: listed(handoff), transcript, tickets };
      } catch (err) {
        return fail(reply, err);
      }
    });

    app.post('/api/agent/conversations/:id/claim', async (req, reply) => {
      const agent = authed(req, reply);
      const id = agent && idOf(req, reply);
      if (!agent || !id) return reply;
      try {
        return { conversation: listed(await service.claim(id, agent)) };
      } catch (err) {
        return fail(reply, err);
      }
    });

    app.post('/api/agent/conversations/:id/messages', async (req, reply) => {
      const agent = authed(req, reply);
      const id = agent && idOf(req, reply);
      if (!agent || !id) return reply;
      const body = messageBody.safeParse(req.body);
      if (!body.success) return sendError(reply, 'KEFU_BAD_REQUEST', 'expected {"text"}');
      if ([...body.data.text].length > maxText)
        return sendError(reply, 'KEFU_TEXT_TOO_LONG', `at most ${maxText} characters`);
      try {
        return await service.say(id, agent, body.data.text);
      } catch (err) {
        return fail(reply, err);
      }
    });

    app.post('/api/agent/conversations/:id/transfer', async (req, reply) => {
      const agent = authed(req, reply);
      const id = agent && idOf(req, reply);
      if (!agent || !id) return reply;
      const body = transferBody.safeParse(req.body);
      if (!body.success) return sendError(reply, 'KEFU_BAD_REQUEST', 'expected {"to"}');
      if (!service.agentNames().includes(body.data.to) || body.data.to === agent) {
        return sendError(reply, 'KEFU_BAD_REQUEST', 'unknown agent to transfer to');
      }
      try {
        return { conversation: listed(await service.transfer(id, agent, body.data.to)) };
      } catch (err) {
        return fail(reply, err);
      }
    });

    app.post('/api/agent/conversations/:id/release', async (req, reply) => {
      const agent = authed(req, reply);
      const id = agent && idOf(req, reply);
      if (!agent || !id) return reply;
      try {
        return { conversation: listed(await service.release(id, agent)) };
      } catch (err) {
        return fail(reply, err);
      }
    });

    // Server-sent events: EventSource cannot set headers, so the token may come as ?token=.
    app.get('/api/agent/events', async (req, reply) => {
      const agent = authed(req, reply, true);
      if (!agent) return reply;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (event: string, data: unknown) => {
        if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      streams.add(res);
      open.set(agent, (open.get(agent) ?? 0) + 1);

      const onEvent = async (event: AgentEvent) => {
        if (event.type === 'queue.changed') return send('queue', await queuePayload(agent));
        if (event.type === 'handoff.changed') return send('handoff', event);
        const h = await service.d.store.get(event.conversationId);
        if (h?.state === 'pending' || (h?.state === 'assigned' && h.agent === agent)) send('message', event);
      };
      const unsubscribe = service.d.bus.subscribe(
        (event) => void onEvent(event).catch((err: unknown) => req.log.warn({ err }, 'agent event not sent')),
      );
      const beat = setInterval(() => {
        res.write(': keep-alive\n\n');
        void service.heartbeat(agent).catch(() => {});
      }, heartbeatMs);
      req.raw.on('close', () => {
        clearInterval(beat);
        unsubscribe();
        streams.delete(res);
        const left = (open.get(agent) ?? 1) - 1;
        if (left > 0) open.set(agent, left);
        else {
          open.delete(agent);
          void service.d.store.offline(agent).catch(() => {});
        }
      });

      await service.d.bus.ready();
      await service.heartbeat(agent);
      // Everyone's wait estimate changes when an agent comes online.
      await service.d.bus.publish({ type: 'queue.changed' });
      send('hello', { agent, retry: 3000 });
      send('queue', await queuePayload(agent));
    });
  };
}
