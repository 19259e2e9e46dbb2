import type { Defer } from '../core/effect.js';
import type { ChannelId, Locale } from '../core/message.js';
import type { ApplicationDetails, FeedbackDetails, Ticket, TicketKind, TicketStatus } from '../domain/ticket.js';

/** What a new ticket is made from; number, status, times and history are the store's to set. */
export interface NewTicket {
  kind: TicketKind;
  channel: ChannelId;
  userId: string;
  conversationId: string;
  locale: Locale;
  deadlines?: Record<string, number>;
  /**
   * A first move made with the creation, in the same write (feedback classified at intake): its
   * history line follows the creation's, with the lifecycle's check.
   */
  then?: { to: TicketStatus; by: string; note?: string };
  application?: ApplicationDetails;
  feedback?: FeedbackDetails;
}

export interface UpdateOptions {
  /**
   * The ticket as this store last returned it (from a list or a get): it may stand in for the
   * first read, one round trip less; when it is stale the write is refused and the store reads.
   */
  known?: Ticket;
  /** Where follow-up work nothing waits on may go (a turn's `EffectContext.defer`: its SLA timers). */
  defer?: Defer | undefined;
}

/** Work started with a new ticket's writes (see `TicketStore.create`). */
export type Alongside = (ticket: Ticket) => Promise<unknown>;

export interface TicketQuery {
  kind?: TicketKind;
  status?: TicketStatus;
  /** Newest first; default 100, at most 1000. */
  limit?: number;
}

/**
 * Tickets: numbered per day across processes, every status change kept in history.
 * Every implementation passes test/store/ticket-store.contract.ts.
 */
export interface TicketStore {
  /**
   * Create a ticket. The same `idempotencyKey` (the turn key of the message that asked for it)
   * returns the ticket created the first time, so a redelivered message never makes two.
   * `alongside` (its SLA timer) is started with the new ticket's writes, in the same round trip
   * where the store can. Such a store calls it before it knows whether the key was used before:
   * on a replay, or when a twin delivery made the ticket first, it runs with a ticket that is not
   * kept (its number unused), and must be harmless then (an SLA timer of no ticket fires nothing).
   */
  create(ticket: NewTicket, at: number, idempotencyKey: string, alongside?: Alongside): Promise<Ticket>;
  get(number: string): Promise<Ticket | undefined>;
  /** Change status with the lifecycle check; throws DomainError KEFU_ILLEGAL_TRANSITION / KEFU_UNKNOWN_TICKET. */
  transition(number: string, to: TicketStatus, by: string, at: number, note?: string): Promise<Ticket>;
  /** Apply a change to a ticket atomically (read, change, write with concurrency check). */
  update(number: string, change: (ticket: Ticket) => Ticket, options?: UpdateOptions): Promise<Ticket>;
  /** A user's tickets on one channel identity, newest first. */
  listByUser(channel: ChannelId, userId: string): Promise<Ticket[]>;
  list(query: TicketQuery): Promise<Ticket[]>;
  /** How many tickets there are by kind and status (admin stats), whole-store, not capped by a limit. */
  counts(): Promise<TicketCounts>;
}

export type TicketCounts = Record<TicketKind, Record<string, number>>;
