import type { ChannelId, Locale } from './message.js';
import type { Understanding } from './nlu.js';

/** Events a conversation machine receives; time always arrives on the event (`at`, epoch ms). */
export interface UserSaidEvent {
  type: 'user.said';
  text: string;
  understanding: Understanding;
  /** The channel's idea of the user's language, if it has one. */
  channelLocale?: Locale;
  at: number;
}

/** A durable deadline came due (scheduled by a `scheduleTimer` effect, delivered by the scheduler). */
export interface TimerFiredEvent {
  type: 'timer.fired';
  timerId: string;
  at: number;
  /** What the scheduler knows about the timer for the message it causes (a delay notice's ticket, step and new time). */
  params?: Record<string, string | number>;
}

/** The session was restored from a snapshot of an older machine version and had to restart. */
export interface SessionRestartedEvent {
  type: 'session.restarted';
  at: number;
}

export interface AgentJoinedEvent {
  type: 'agent.joined';
  agent: string;
  at: number;
}

export interface AgentReleasedEvent {
  type: 'agent.released';
  agent: string;
  at: number;
}

/** Result of a `createTicket` effect, fed back to the machine within the same turn. */
export interface TicketCreatedEvent {
  type: 'ticket.created';
  number: string;
  at: number;
  /** The new ticket's due times by step (epoch ms), so the user can be told when to expect an answer. */
  deadlines?: Record<string, number>;
}

/** A ticket the conversation owns changed status (staff action, timer). */
export interface TicketStatusChangedEvent {
  type: 'ticket.statusChanged';
  number: string;
  status: string;
  note?: string;
  at: number;
}

/** Staff answered a feedback ticket the conversation owns (admin reply): say it, then ask for a score. */
export interface TicketRepliedEvent {
  type: 'ticket.replied';
  number: string;
  text: string;
  at: number;
}

/** Result of an effect that looks something up (tickets of the user, verification), fed back in the same turn. */
export interface LookupResultEvent {
  type: 'lookup.result';
  /** Which lookup this answers, as the effect named it. */
  lookup: string;
  result: unknown;
  at: number;
}

export type ConversationEvent =
  | UserSaidEvent
  | TimerFiredEvent
  | SessionRestartedEvent
  | AgentJoinedEvent
  | AgentReleasedEvent
  | TicketCreatedEvent
  | TicketStatusChangedEvent
  | TicketRepliedEvent
  | LookupResultEvent;

/** Identity of a conversation, given to a new machine as input. */
export interface ConversationInput {
  channel: ChannelId;
  userId: string;
  locale: Locale;
}
