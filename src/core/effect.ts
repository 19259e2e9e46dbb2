import type { ConversationEvent } from './event.js';
import type { ChannelId, Locale, ReplyRef } from './message.js';

export const HANDOFF_REASONS = ['user_request', 'misunderstood', 'urgent_complaint', 'angry'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/** Why a handoff ended: the user, the agent, nobody came in time, the user gave up, or left a message instead. */
export const HANDOFF_END_REASONS = ['user_ended', 'agent_released', 'expired', 'cancelled', 'left_message'] as const;
export type HandoffEndReason = (typeof HANDOFF_END_REASONS)[number];

/** What a satisfaction survey is about: a conversation with an agent, or a ticket's handling. */
export type SurveySubject = { kind: 'agent'; agent: string } | { kind: 'ticket'; number: string };

/**
 * The effects a machine may ask for, by name, with their parameters. Machines name them
 * (xstate named actions); the runtime executes them. Add a new effect here first.
 */
export interface EffectParams {
  /** Say something to the user. */
  reply: ReplyRef;
  /** Remember the user's language beyond this session (profile). */
  rememberLocale: { locale: Locale };
  /** Put the conversation in the human-agent queue. */
  requestHandoff: { reason: HandoffReason; preview?: string };
  /** Take the conversation out of the agent queue / away from the agent. */
  endHandoff: { reason: HandoffEndReason };
  /** Forward the user's words to the agent holding the conversation. */
  forwardToAgent: { text: string };
  /** A durable timer that comes back as `timer.fired` with the same id. */
  scheduleTimer: { timerId: string; at: number };
  cancelTimer: { timerId: string };
  /** Create a ticket from a draft; the runtime answers with `ticket.created`. */
  createTicket: { kind: 'application' | 'feedback'; draft: Record<string, unknown> };
  /** Ask the ticket store something; the runtime answers with `lookup.result`. */
  lookup: { lookup: string; query: Record<string, unknown> };
  /** Change a ticket's status on the user's behalf (closure request, survey reopen). */
  updateTicket: { number: string; status?: string; note?: string; fields?: Record<string, unknown> };
  /** Erase this user's personal data (PIPL request). */
  erasePersonalData: Record<string, never>;
  /** Store a satisfaction score; the same `surveyId` again replaces it (score first, comment later). */
  recordSatisfaction: { surveyId: string; subject: SurveySubject; score: number; comment?: string };
  /** Keep a message or a callback request for the agents when nobody can take the conversation now. */
  leaveMessage: { kind: 'message' | 'callback'; text: string; phone?: string };
}

export type EffectType = keyof EffectParams;
export type Effect = { [K in EffectType]: { type: K; params: EffectParams[K] } }[EffectType];

export const EFFECT_TYPES: readonly EffectType[] = [
  'reply',
  'rememberLocale',
  'requestHandoff',
  'endHandoff',
  'forwardToAgent',
  'scheduleTimer',
  'cancelTimer',
  'createTicket',
  'lookup',
  'updateTicket',
  'erasePersonalData',
  'recordSatisfaction',
  'leaveMessage',
];

/** What an effect handler knows about the turn it runs in. */
export interface EffectContext {
  conversationId: string;
  channel: ChannelId;
  userId: string;
  locale: Locale;
  /** Stable per inbound message or event, unique across conversations: handlers use it to make their writes idempotent. */
  turnKey: string;
  now: number;
  /** The user's text this turn, when the turn came from the user. */
  text?: string;
  /**
   * Defer `work` nothing later in the turn waits on (a timer, ending a handoff, a notice to
   * agents): it leaves with the turn's next write to the store, at the latest with its commit,
   * one round trip less. It is sent before anything the turn sends after it, so order holds. It
   * is sent only if the turn gets that far, even if the commit then fails, so a retried turn may
   * send it again: it must be idempotent. Should it fail while the commit succeeds, the failure
   * is logged and the turn stands, so its loss must be tolerable. Absent outside a runtime turn,
   * where a handler does the work at once.
   */
  defer?: Defer;
}

/** Where work nothing waits on may go: see `EffectContext.defer`. */
export type Defer = (work: () => Promise<unknown>) => void;

/** `work` handed to `defer` when there is one, else done now. */
export async function deferOrRun(defer: Defer | undefined, work: () => Promise<unknown>): Promise<void> {
  if (defer) defer(work);
  else await work();
}

/**
 * Executes one kind of effect. It may answer with an event that the machine receives within
 * the same turn (a created ticket's number, a lookup's result).
 */
export type EffectHandler<K extends EffectType> = (
  params: EffectParams[K],
  ctx: EffectContext,
) => Promise<ConversationEvent | void> | ConversationEvent | void;
