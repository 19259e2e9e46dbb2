import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../core/ports.js';
import { DomainError } from '../../domain/errors.js';
import {
  APPLICATION_STATUSES,
  FEEDBACK_STATUSES,
  canTransition,
  transitionTicket,
  type Ticket,
  type TicketStatus,
} from '../../domain/ticket.js';
import { DeferredWork } from '../../runtime/deferred-work.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { TicketStore } from '../../store/ticket-store.js';
import { sendError } from '../http-errors.js';
import { buildStats, statsQuery, type StatsDeps } from '../stats.js';

export interface AdminDeps {
  /** ADMIN_TOKEN; without it the admin API refuses everything. */
  token: string | undefined;
  tickets: TicketStore;
  runtime: Runtime;
  clock: Clock;
  /** Analytics behind `GET /api/admin/stats?from=&to=`; without it, stats are the ticket counts only. */
  stats?: StatsDeps;
}

const STATUSES = [...new Set<string>([...APPLICATION_STATUSES, ...FEEDBACK_STATUSES])] as [
  TicketStatus,
  ...TicketStatus[],
];
const listQuery = z.object({
  kind: z.enum(['application', 'feedback']).optional(),
  status: z.enum(STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const statusBody = z.object({ status: z.enum(STATUSES), note: z.string().trim().min(1).max(1000).optional() });
const replyBody = z.object({ text: z.string().trim().min(1).max(2000) });
const params = z.object({ number: z.string().min(1).max(32) });

// Hashing first makes the comparison constant-time whatever the lengths of the two tokens.
const digest = (s: string) => createHash('sha256').update(s).digest();

/** Who changed a ticket through this API, for its history. */
const BY = 'admin';

/** The admin API of DESIGN.md: tickets by kind/status, one ticket, status changes, staff replies, stats. */
export function adminRoutes(deps: AdminDeps) {
  const expected = deps.token ? digest(deps.token) : undefined;
  const authorized = (req: FastifyRequest): boolean => {
    const header = req.headers.authorization ?? '';
    if (!expected || !header.startsWith('Bearer ')) return false;
    return timingSafeEqual(digest(header.slice('Bearer '.length)), expected);
  };

  /** Tell the user on the channel the ticket came from, in their language; the id makes a retry a no-op. */
  const notify = async (t: Ticket, note: string | undefined, req: FastifyRequest): Promise<boolean> => {
    const target = { conversationId: t.conversationId, channel: t.channel, userId: t.userId, locale: t.locale };
    const event = {
      type: 'ticket.statusChanged' as const,
      number: t.number,
      status: t.status,
      at: deps.clock.now(),
      ...(note ? { note } : {}),
    };
    try {
      await deps.runtime.dispatch(
        target,
        event,
        `admin:${t.number}:${t.history.length}:${t.feedback?.reply?.at ?? ''}`,
      );
      return true;
    } catch (err) {
      // The change is stored either way; a failed notice must not make staff retry the change.
      req.log.warn({ err, ticket: t.number }, 'ticket notice not delivered');
      return false;
    }
  };

  /**
   * Work a ticket change left for later (its SLA timers), sent with the conversation's notice,
   * in one write; its failure is logged, the change stands.
   */
  const withNotice = async <T>(later: DeferredWork, notice: Promise<T>, req: FastifyRequest) => {
    later.send();
    const [notified, outcomes] = await Promise.all([notice, later.settle()]);
    for (const o of outcomes) if (o.status === 'rejected') req.log.error({ err: o.reason }, 'SLA timers not rearmed');
    return notified;
  };

  const failed = (reply: FastifyReply, err: unknown) => {
    if (err instanceof DomainError) return sendError(reply, err.code, err.message);
    throw err;
  };

  return async (app: FastifyInstance): Promise<void> => {
    await app.register(
      async (admin) => {
        admin.addHook('onRequest', async (req, reply) => {
          if (!authorized(req)) return sendError(reply, 'KEFU_UNAUTHORIZED', 'a valid admin bearer token is required');
        });

        admin.get('/tickets', async (req, reply) => {
          const q = listQuery.safeParse(req.query);
          if (!q.success)
            return sendError(
              reply,
              'KEFU_BAD_REQUEST',
              'expected ?kind=application|feedback&status=<status>',
              z.treeifyError(q.error),
            );
          const query = Object.fromEntries(Object.entries(q.data).filter(([, v]) => v !== undefined));
          return { tickets: await deps.tickets.list(query) };
        });

        admin.get('/tickets/:number', async (req, reply) => {
          const { number } = params.parse(req.params);
          const ticket = await deps.tickets.get(number);
          return ticket ? { ticket } : sendError(reply, 'KEFU_UNKNOWN_TICKET', `no ticket ${number}`);
        });

        admin.post('/tickets/:number/status', async (req, reply) => {
          const { number } = params.parse(req.params);
          const body = statusBody.safeParse(req.body);
          if (!body.success)
            return sendError(reply, 'KEFU_BAD_REQUEST', 'expected {"status","note"?}', z.treeifyError(body.error));
          const { status, note } = body.data;
          if (status === 'rejected' && !note)
            return sendError(reply, 'KEFU_BAD_REQUEST', 'a rejection needs the reason in "note"');
          try {
            const later = new DeferredWork();
            const ticket = await deps.tickets.update(
              number,
              (t) => {
                const next = transitionTicket(t, status, BY, deps.clock.now(), note);
                if (status === 'rejected' && next.application && note)
                  next.application = { ...next.application, rejectReason: note };
                return next;
              },
              { defer: later.add },
            );
            return { ticket, notified: await withNotice(later, notify(ticket, note, req), req) };
          } catch (err) {
            return failed(reply, err);
          }
        });

        // Issue 6: keep the reply on the ticket, mark it replied, and deliver it on the user's channel
        // as `ticket.replied`, after which the conversation asks for a satisfaction score.
        admin.post('/tickets/:number/reply', async (req, reply) => {
          const { number } = params.parse(req.params);
          const body = replyBody.safeParse(req.body);
          if (!body.success) return sendError(reply, 'KEFU_BAD_REQUEST', 'expected {"text"}');
          const existing = await deps.tickets.get(number);
          if (!existing) return sendError(reply, 'KEFU_UNKNOWN_TICKET', `no ticket ${number}`);
          if (existing.kind !== 'feedback')
            return sendError(reply, 'KEFU_CONFLICT', `${number} is not a feedback ticket`);
          try {
            const at = deps.clock.now();
            const later = new DeferredWork();
            const ticket = await deps.tickets.update(
              number,
              (t) => {
                const next = canTransition(t.kind, t.status, 'replied')
                  ? transitionTicket(t, 'replied', BY, at, 'staff reply')
                  : { ...t, updatedAt: at };
                if (next.feedback) next.feedback = { ...next.feedback, reply: { text: body.data.text, at, by: BY } };
                return next;
              },
              { known: existing, defer: later.add },
            );
            const target = {
              conversationId: ticket.conversationId,
              channel: ticket.channel,
              userId: ticket.userId,
              locale: ticket.locale,
            };
            const event = { type: 'ticket.replied' as const, number, text: body.data.text, at };
            let notified = true;
            try {
              const notice = deps.runtime.dispatch(
                target,
                event,
                `admin:${number}:reply:${ticket.history.length}:${at}`,
              );
              await withNotice(later, notice, req);
            } catch (err) {
              // The reply is stored either way; a failed delivery must not make staff reply twice.
              req.log.warn({ err, ticket: number }, 'staff reply not delivered');
              notified = false;
            }
            return { ticket, notified };
          } catch (err) {
            return failed(reply, err);
          }
        });

        admin.get('/stats', async (req, reply) => {
          if (!deps.stats) return { tickets: await deps.tickets.counts() };
          const q = statsQuery.safeParse(req.query);
          if (!q.success) {
            const details = z.treeifyError(q.error);
            return sendError(reply, 'KEFU_BAD_REQUEST', 'expected ?from=YYYY-MM-DD&to=YYYY-MM-DD', details);
          }
          return buildStats(deps.stats, q.data);
        });
      },
      { prefix: '/api/admin' },
    );
  };
}
