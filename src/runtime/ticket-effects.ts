import type { ConversationEvent } from '../core/event.js';
import { checkAddress } from '../domain/address.js';
import { isValidCreditCode } from '../domain/credit-code.js';
import { DomainError } from '../domain/errors.js';
import { normalizeMobile } from '../domain/phone.js';
import { hallsForCity, type RegionTable } from '../domain/region-table.js';
import { isValidResidentId } from '../domain/resident-id.js';
import { transitionTicket, type ApplicationDetails, type Ticket } from '../domain/ticket.js';
import type { TicketStore } from '../store/ticket-store.js';
import type { EffectContext, EffectHandler, EffectHandlers } from './effects.js';

/** Answers one named `lookup`; the result goes back to the machine as `lookup.result`. */
export type LookupHandler = (query: Record<string, unknown>, ctx: EffectContext) => Promise<unknown> | unknown;

export interface TicketEffectDeps {
  tickets: TicketStore;
  halls: RegionTable;
  /** Promised review time, shown to staff as the ticket's `review` deadline. */
  reviewWithinMs?: number;
  /** Other features' lookups (status queries...), merged with the ones here. */
  lookups?: Record<string, LookupHandler>;
}

const DAY_MS = 86_400_000;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Re-checks the machine's draft before it becomes a ticket: the machine validated every field,
 * but a ticket is a legal record, so a wrong one must fail loudly rather than be stored.
 */
export function applicationDetails(draft: Record<string, unknown>): ApplicationDetails {
  const address = draft.address as { province?: unknown; city?: unknown; detail?: unknown } | undefined;
  const consent = draft.consent as { at?: unknown; agreementVersion?: unknown } | undefined;
  const userType = draft.userType === 'enterprise' ? 'enterprise' : 'personal';
  const phone = normalizeMobile(str(draft.phone));
  const ok =
    (draft.userType === 'personal' || draft.userType === 'enterprise') &&
    str(draft.name) !== '' &&
    isValidResidentId(str(draft.idNumber)) &&
    phone !== null &&
    address !== undefined &&
    checkAddress(`${str(address.province)}${str(address.city)}${str(address.detail)}`).ok &&
    typeof consent?.at === 'number' &&
    str(consent.agreementVersion) !== '' &&
    (userType === 'personal' ||
      (str(draft.company) !== '' &&
        isValidCreditCode(str(draft.creditCode)) &&
        isValidResidentId(str(draft.legalRepIdNumber))));
  if (!ok || !address || !consent || phone === null)
    throw new Error('createTicket: the application draft is incomplete or invalid');
  const details: ApplicationDetails = {
    userType,
    name: str(draft.name),
    idNumber: str(draft.idNumber),
    phone,
    address: { province: str(address.province), city: str(address.city), detail: str(address.detail) },
    consent: { at: consent.at as number, agreementVersion: str(consent.agreementVersion) },
  };
  if (userType === 'enterprise') {
    details.company = str(draft.company);
    details.creditCode = str(draft.creditCode);
    details.legalRepIdNumber = str(draft.legalRepIdNumber);
  }
  return details;
}

const area = (t: Ticket) =>
  t.application
    ? `${t.application.address.province === t.application.address.city ? '' : t.application.address.province}${t.application.address.city}`
    : '';

/** Does the proof (last 6 of an ID number on the ticket, the whole ID, or the mobile) match the ticket? */
function proves(t: Ticket, proof: string): boolean {
  const a = t.application;
  if (!a || proof === '') return false;
  const ids = [a.idNumber, a.legalRepIdNumber].filter((v): v is string => typeof v === 'string');
  if (proof.length === 6) return ids.some((id) => id.slice(-6) === proof);
  if (proof.length === 18) return ids.includes(proof);
  return a.phone === normalizeMobile(proof);
}

/** The effects of the application and closure flows: create the ticket, change its status, look up halls and identity. */
export function ticketEffects(
  deps: TicketEffectDeps,
): Pick<EffectHandlers, 'createTicket' | 'updateTicket' | 'lookup'> {
  const lookups: Record<string, LookupHandler> = {
    halls: (query) => {
      const city = str(query.city);
      return { city, halls: hallsForCity(deps.halls, city) };
    },
    // Only the tickets this channel identity owns, and only once the proof matches one of them.
    verifyIdentity: async (query, ctx) => {
      const proof = str(query.proof).toUpperCase();
      const mine = (await deps.tickets.listByUser(ctx.channel, ctx.userId)).filter(
        (t) => t.kind === 'application' && (query.ticket === undefined || t.number === query.ticket),
      );
      const proven = mine.filter((t) => proves(t, proof));
      return {
        verified: proven.length > 0,
        active: proven.filter((t) => t.status === 'active').map((t) => ({ number: t.number, area: area(t) })),
        others: proven.filter((t) => t.status !== 'active').map((t) => ({ number: t.number, status: t.status })),
      };
    },
    ...deps.lookups,
  };

  const createTicket: EffectHandler<'createTicket'> = async (params, ctx) => {
    if (params.kind !== 'application') return undefined;
    const ticket = await deps.tickets.create(
      {
        kind: 'application',
        channel: ctx.channel,
        userId: ctx.userId,
        conversationId: ctx.conversationId,
        locale: ctx.locale,
        deadlines: { review: ctx.now + (deps.reviewWithinMs ?? DAY_MS) },
        application: applicationDetails(params.draft),
      },
      ctx.now,
      // A redelivered message (same turn key) gets the ticket created the first time.
      ctx.turnKey,
    );
    return { type: 'ticket.created', number: ticket.number, at: ctx.now };
  };

  const updateTicket: EffectHandler<'updateTicket'> = async (params, ctx): Promise<ConversationEvent> => {
    const failed = (code: string): ConversationEvent => ({
      type: 'lookup.result',
      lookup: 'updateTicket',
      result: { ok: false, code },
      at: ctx.now,
    });
    const ticket = await deps.tickets.get(params.number);
    // A user may only change their own tickets, whatever number the conversation names.
    if (!ticket || ticket.channel !== ctx.channel || ticket.userId !== ctx.userId) return failed('KEFU_UNKNOWN_TICKET');
    if (!params.status) return failed('KEFU_BAD_REQUEST');
    try {
      // From the ticket just read (its version saves the move a read); the SLA timers follow
      // with the turn's commit.
      const to = params.status as Ticket['status'];
      const changed = await deps.tickets.update(
        params.number,
        (t) => transitionTicket(t, to, 'user', ctx.now, params.note),
        { known: ticket, defer: ctx.defer },
      );
      return { type: 'ticket.statusChanged', number: changed.number, status: changed.status, at: ctx.now };
    } catch (err) {
      if (err instanceof DomainError) return failed(err.code);
      throw err;
    }
  };

  const lookup: EffectHandler<'lookup'> = async (params, ctx) => {
    const handler = lookups[params.lookup];
    if (!handler) return undefined;
    return { type: 'lookup.result', lookup: params.lookup, result: await handler(params.query, ctx), at: ctx.now };
  };

  return { createTicket, updateTicket, lookup };
}
