import type { Redis } from 'ioredis';
import type { ChannelId } from '../core/message.js';
import { DomainError, ERROR_CODES } from '../domain/errors.js';
import { statusesOf, transitionTicket, type Ticket, type TicketKind, type TicketStatus } from '../domain/ticket.js';
import { clampLimit, newTicket, newestFirst } from './ticket-shape.js';
import { TicketNumbers } from './ticket-numbers.js';
import { CREATE_TICKET, LIST_TICKETS, UPDATE_TICKET } from './ticket-scripts.js';
import type { Alongside, NewTicket, TicketCounts, TicketQuery, TicketStore, UpdateOptions } from './ticket-store.js';

interface TicketCommands {
  kefuCreateTicket(...args: (string | number)[]): Promise<string>;
  kefuUpdateTicket(...args: (string | number)[]): Promise<number>;
  kefuListTickets(index: string, limit: number, prefix: string): Promise<string[]>;
}

export interface RedisTicketStoreOptions {
  /** Key prefix; tests use their own so they can share one redis-server. */
  namespace: string;
  /** How long a create's idempotency key is remembered (covers any redelivery). */
  idempotencyTtlMs: number;
  /** Compare-and-set attempts before giving up on a hotly contended ticket. */
  maxAttempts: number;
}

const DEFAULTS: RedisTicketStoreOptions = { namespace: 'kefu', idempotencyTtlMs: 7 * 86_400_000, maxAttempts: 200 };

/** A ticket kept changing under us for every attempt. */
export class TicketConflictError extends Error {
  override readonly name = 'TicketConflictError';
  readonly code = 'KEFU_CONFLICT';
  constructor(readonly number: string) {
    super(`ticket ${number} changed concurrently too often; try again`);
  }
}

/**
 * Tickets in Redis: a hash per ticket (`data` JSON + `v` version), sorted-set indexes by user,
 * by kind+status and by kind (score = creation time). Updates are Lua compare-and-set on `v`,
 * not WATCH: WATCH on the shared auto-pipelined connection silently loses updates.
 * All ticket keys share the `{tickets}` hash tag so each script's keys sit in one Cluster slot.
 */
export class RedisTicketStore implements TicketStore {
  private readonly redis: Redis & TicketCommands;
  private readonly o: RedisTicketStoreOptions;
  private readonly numbers: TicketNumbers;
  /** The version each ticket this store handed out was read at (`update`'s `known`). */
  private readonly versions = new WeakMap<Ticket, string>();

  constructor(redis: Redis, options: Partial<RedisTicketStoreOptions> = {}) {
    this.o = { ...DEFAULTS, ...options };
    if (!('kefuCreateTicket' in redis)) {
      redis.defineCommand('kefuCreateTicket', { numberOfKeys: 5, lua: CREATE_TICKET });
      redis.defineCommand('kefuUpdateTicket', { numberOfKeys: 3, lua: UPDATE_TICKET });
      redis.defineCommand('kefuListTickets', { numberOfKeys: 1, lua: LIST_TICKETS });
    }
    this.redis = redis as Redis & TicketCommands;
    this.numbers = new TicketNumbers(redis, (kind, day) => this.key('seq', kind, day));
  }

  private key(...parts: string[]): string {
    return `${this.o.namespace}:{tickets}:${parts.join(':')}`;
  }
  private ticketKey = (number: string) => this.key('t', number);
  private userKey = (channel: ChannelId, userId: string) => this.key('user', channel, userId);
  private statusKey = (kind: TicketKind, status: TicketStatus) => this.key('status', kind, status);
  private kindKey = (kind: TicketKind) => this.key('kind', kind);

  async create(ticket: NewTicket, at: number, idempotencyKey: string, alongside?: Alongside): Promise<Ticket> {
    const idem = this.key('idem', idempotencyKey);
    // A replay burns a number (the create script answers with the ticket it made before).
    const fresh = newTicket(ticket, await this.numbers.next(ticket.kind, at), at);
    const creating = this.redis.kefuCreateTicket(
      idem,
      this.ticketKey(fresh.number),
      this.userKey(fresh.channel, fresh.userId),
      this.statusKey(fresh.kind, fresh.status),
      this.kindKey(fresh.kind),
      fresh.number,
      JSON.stringify(fresh),
      at,
      this.o.idempotencyTtlMs,
    );
    // Sent in the same event-loop turn, so in the same write as the create (see TicketStore.create).
    const [number] = await Promise.all([creating, alongside?.(fresh)]);
    return number === fresh.number ? this.versioned(fresh, '1') : this.must(number);
  }

  async get(number: string): Promise<Ticket | undefined> {
    return (await this.read(number))?.ticket;
  }

  async transition(number: string, to: TicketStatus, by: string, at: number, note?: string): Promise<Ticket> {
    return this.update(number, (t) => transitionTicket(t, to, by, at, note));
  }

  async update(number: string, change: (ticket: Ticket) => Ticket, options: UpdateOptions = {}): Promise<Ticket> {
    const known = options.known;
    const version = known?.number === number ? this.versions.get(known) : undefined;
    let first: { ticket: Ticket; version: string } | undefined = version ? { ticket: known!, version } : undefined;
    for (let attempt = 0; attempt < this.o.maxAttempts; attempt++) {
      const current = first ?? (await this.read(number));
      first = undefined;
      if (!current) throw unknown(number);
      const next = change(structuredClone(current.ticket));
      if (next.number !== number || next.kind !== current.ticket.kind)
        throw new Error('a ticket change may not renumber it');
      const written = await this.redis.kefuUpdateTicket(
        this.ticketKey(number),
        this.statusKey(current.ticket.kind, current.ticket.status),
        this.statusKey(next.kind, next.status),
        current.version,
        JSON.stringify(next),
        number,
        next.createdAt,
      );
      if (written === 1) return this.versioned(next, String(Number(current.version) + 1));
      if (written === -1) throw unknown(number);
      // Lost the race: back off a little (spread the retries) and re-read.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(attempt + 1, 10)));
    }
    throw new TicketConflictError(number);
  }

  async listByUser(channel: ChannelId, userId: string): Promise<Ticket[]> {
    return this.fromIndexes([this.userKey(channel, userId)], 1000);
  }

  async list(query: TicketQuery): Promise<Ticket[]> {
    const kinds: TicketKind[] = query.kind ? [query.kind] : ['application', 'feedback'];
    const status = query.status;
    // `closed` belongs to both lifecycles; a status another kind does not have has no index.
    const indexes = status
      ? kinds.filter((k) => statusesOf(k).includes(status)).map((k) => this.statusKey(k, status))
      : kinds.map((k) => this.kindKey(k));
    return this.fromIndexes(indexes, clampLimit(query.limit));
  }

  async counts(): Promise<TicketCounts> {
    const out: TicketCounts = { application: {}, feedback: {} };
    for (const kind of ['application', 'feedback'] as const) {
      const statuses = statusesOf(kind);
      const sizes = await Promise.all(statuses.map((s) => this.redis.zcard(this.statusKey(kind, s))));
      statuses.forEach((s, i) => (out[kind][s] = sizes[i] ?? 0));
    }
    return out;
  }

  /** The newest tickets of some indexes, with their versions: the indexes together in one round trip. */
  private async fromIndexes(indexes: string[], limit: number): Promise<Ticket[]> {
    const prefix = this.ticketKey('');
    const lists = await Promise.all(indexes.map((index) => this.redis.kefuListTickets(index, limit, prefix)));
    const byNumber = new Map<string, Ticket>();
    for (const flat of lists) {
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const ticket = this.versioned(JSON.parse(flat[i]!) as Ticket, flat[i + 1]!);
        byNumber.set(ticket.number, ticket);
      }
    }
    return [...byNumber.values()].sort(newestFirst).slice(0, limit);
  }

  private async read(number: string): Promise<{ ticket: Ticket; version: string } | undefined> {
    const [data, version] = await this.redis.hmget(this.ticketKey(number), 'data', 'v');
    return data && version ? { ticket: this.versioned(JSON.parse(data) as Ticket, version), version } : undefined;
  }

  private versioned(ticket: Ticket, version: string): Ticket {
    this.versions.set(ticket, version);
    return ticket;
  }

  private async must(number: string): Promise<Ticket> {
    const t = await this.get(number);
    if (!t) throw unknown(number);
    return t;
  }
}

const unknown = (number: string) => new DomainError(ERROR_CODES.UNKNOWN_TICKET, `no ticket ${number}`);
