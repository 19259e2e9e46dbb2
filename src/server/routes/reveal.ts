import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Ticket } from '../../domain/ticket.js';
import type { HandoffService } from '../../handoff/service.js';
import type { TicketStore } from '../../store/ticket-store.js';
import { sendError } from '../http-errors.js';

/** What an agent may unmask, one field at a time, from the user's own tickets. */
const FIELDS = ['phone', 'idNumber', 'name', 'address', 'creditCode', 'legalRepIdNumber'] as const;
type Field = (typeof FIELDS)[number];

const body = z.object({ field: z.enum(FIELDS) });
const params = z.object({ id: z.string().min(3).max(200) });

/** One reveal, as kept: who saw what of whom, when; never the value. */
export interface RevealRecord {
  at: number;
  agent: string;
  conversationId: string;
  field: Field;
  ticket?: string;
}

/** Where reveals are recorded: Redis (a capped list) or memory. */
export interface RevealAudit {
  record(r: RevealRecord): Promise<void>;
  list(): Promise<RevealRecord[]>;
}

const AUDIT_KEY = 'kefu:audit:reveal';
const AUDIT_MAX = 100_000;

export function revealAudit(redis?: Redis): RevealAudit {
  if (redis) {
    return {
      async record(r) {
        await redis
          .multi()
          .lpush(AUDIT_KEY, JSON.stringify(r))
          .ltrim(AUDIT_KEY, 0, AUDIT_MAX - 1)
          .exec();
      },
      async list() {
        return (await redis.lrange(AUDIT_KEY, 0, -1)).map((s) => JSON.parse(s) as RevealRecord);
      },
    };
  }
  const kept: RevealRecord[] = [];
  return {
    async record(r) {
      kept.unshift(r);
      if (kept.length > AUDIT_MAX) kept.pop();
    },
    async list() {
      return [...kept];
    },
  };
}

function valueOf(t: Ticket, field: Field): string | undefined {
  const a = t.application;
  switch (field) {
    case 'phone':
      return a?.phone || t.feedback?.phone || undefined;
    case 'idNumber':
      return a?.idNumber || undefined;
    case 'name':
      return a?.name || undefined;
    case 'address':
      return a
        ? [a.address.province, a.address.city, a.address.detail].filter(Boolean).join('') || undefined
        : undefined;
    case 'creditCode':
      return a?.creditCode || undefined;
    case 'legalRepIdNumber':
      return a?.legalRepIdNumber || undefined;
  }
}

/**
 * `POST /api/agent/conversations/:id/reveal {"field"}`: the whole value of one masked field, only
 * for the agent holding the conversation, and every reveal is recorded (agent, user, field, time)
 * before the value leaves: a reveal that cannot be audited does not happen.
 */
export function revealRoutes(deps: {
  service: HandoffService;
  tickets: TicketStore;
  audit: RevealAudit;
  logger: Logger;
  now: () => number;
}) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/api/agent/conversations/:id/reveal', async (req, reply) => {
      const header = req.headers.authorization;
      const agent = deps.service.agentOf(header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined);
      if (!agent) return sendError(reply, 'KEFU_UNAUTHORIZED', 'a valid agent token is required');
      const p = params.safeParse(req.params);
      const b = body.safeParse(req.body);
      if (!p.success || !b.success)
        return sendError(reply, 'KEFU_BAD_REQUEST', `expected {"field"} with one of ${FIELDS.join(', ')}`);
      const conversationId = p.data.id;
      const field = b.data.field;
      const handoff = await deps.service.d.store.get(conversationId);
      // Seeing it queued is not enough to unmask it: only its holder may.
      if (!handoff || handoff.state !== 'assigned' || handoff.agent !== agent)
        return sendError(reply, 'KEFU_FORBIDDEN', 'only the agent holding the conversation may reveal its data');
      const tickets = await deps.tickets.listByUser(handoff.channel, handoff.userId);
      const found = tickets.map((t) => ({ t, value: valueOf(t, field) })).find((x) => x.value);
      const record: RevealRecord = {
        at: deps.now(),
        agent,
        conversationId,
        field,
        ...(found ? { ticket: found.t.number } : {}),
      };
      await deps.audit.record(record);
      deps.logger.info({ audit: 'reveal', ...record }, 'personal data revealed to an agent');
      if (!found) return sendError(reply, 'KEFU_NOT_FOUND', 'no such field on this user’s tickets');
      return { field, value: found.value, ticket: found.t.number };
    });
  };
}
