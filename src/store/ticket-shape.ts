import { transitionTicket, type Ticket } from '../domain/ticket.js';
import type { NewTicket } from './ticket-store.js';

/** A fresh ticket as every store makes it: first status, one history line by the user (and its first move, if any). */
export function newTicket(t: NewTicket, number: string, at: number): Ticket {
  const status = t.kind === 'application' ? 'submitted' : 'received';
  const ticket: Ticket = {
    number,
    kind: t.kind,
    status,
    createdAt: at,
    updatedAt: at,
    channel: t.channel,
    userId: t.userId,
    conversationId: t.conversationId,
    locale: t.locale,
    history: [{ at, from: null, to: status, by: 'user' }],
    deadlines: { ...(t.deadlines ?? {}) },
  };
  if (t.application) ticket.application = structuredClone(t.application);
  if (t.feedback) ticket.feedback = structuredClone(t.feedback);
  return t.then ? transitionTicket(ticket, t.then.to, t.then.by, at, t.then.note) : ticket;
}

/** Newest first; the number breaks ties so that order is total (same-millisecond tickets). */
export const newestFirst = (a: Ticket, b: Ticket): number =>
  b.createdAt - a.createdAt || (a.number < b.number ? 1 : -1);

/** TicketQuery.limit: default 100, at most 1000. */
export const clampLimit = (limit: number | undefined): number => Math.min(Math.max(Math.trunc(limit ?? 100), 1), 1000);
