import type { ChannelId } from '../core/message.js';
import { DomainError, ERROR_CODES } from '../domain/errors.js';
import { formatTicketNumber, ticketDay, transitionTicket, type Ticket, type TicketStatus } from '../domain/ticket.js';
import { clampLimit, newTicket, newestFirst } from './ticket-shape.js';
import type { Alongside, NewTicket, TicketCounts, TicketQuery, TicketStore } from './ticket-store.js';

/**
 * Tickets in process memory (the embedded default without REDIS_URL). Every read-change-write
 * runs without an `await` in between, so on one event loop it is atomic by construction.
 */
export class MemoryTicketStore implements TicketStore {
  private readonly tickets = new Map<string, Ticket>();
  private readonly byKey = new Map<string, string>();
  private readonly sequences = new Map<string, number>();

  async create(ticket: NewTicket, at: number, idempotencyKey: string, alongside?: Alongside): Promise<Ticket> {
    const known = this.byKey.get(idempotencyKey);
    if (known) return structuredClone(this.tickets.get(known)!);
    const day = `${ticket.kind}:${ticketDay(at)}`;
    const seq = (this.sequences.get(day) ?? 0) + 1;
    this.sequences.set(day, seq);
    const created = newTicket(ticket, formatTicketNumber(ticket.kind, at, seq), at);
    this.tickets.set(created.number, created);
    this.byKey.set(idempotencyKey, created.number);
    await alongside?.(structuredClone(created));
    return structuredClone(created);
  }

  async get(number: string): Promise<Ticket | undefined> {
    const t = this.tickets.get(number);
    return t ? structuredClone(t) : undefined;
  }

  async transition(number: string, to: TicketStatus, by: string, at: number, note?: string): Promise<Ticket> {
    return this.update(number, (t) => transitionTicket(t, to, by, at, note));
  }

  async update(number: string, change: (ticket: Ticket) => Ticket): Promise<Ticket> {
    const current = this.tickets.get(number);
    if (!current) throw new DomainError(ERROR_CODES.UNKNOWN_TICKET, `no ticket ${number}`);
    const next = change(structuredClone(current));
    if (next.number !== number) throw new Error('a ticket change may not renumber it');
    this.tickets.set(number, structuredClone(next));
    return structuredClone(next);
  }

  async listByUser(channel: ChannelId, userId: string): Promise<Ticket[]> {
    const mine = [...this.tickets.values()].filter((t) => t.channel === channel && t.userId === userId);
    return structuredClone(mine.sort(newestFirst));
  }

  async list(query: TicketQuery): Promise<Ticket[]> {
    const match = (t: Ticket) =>
      (query.kind === undefined || t.kind === query.kind) && (query.status === undefined || t.status === query.status);
    const found = [...this.tickets.values()].filter(match).sort(newestFirst);
    return structuredClone(found.slice(0, clampLimit(query.limit)));
  }

  /** Counts by kind and status (admin stats). */
  async counts(): Promise<TicketCounts> {
    const out: TicketCounts = { application: {}, feedback: {} };
    for (const t of this.tickets.values()) out[t.kind][t.status] = (out[t.kind][t.status] ?? 0) + 1;
    return out;
  }
}
