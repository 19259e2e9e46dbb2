import type { ChannelId, Locale, OutboundMessage } from './message.js';

/** Where time comes from; tests provide a controllable one. */
export interface Clock {
  now(): number;
}

/** What is persisted for one conversation between turns. */
export interface SessionRecord {
  /** Version of the conversation machine that wrote `snapshot`. */
  machineVersion: number;
  /** xstate persisted snapshot (JSON-safe). */
  snapshot: unknown;
  locale: Locale;
  /** Values of the quick replies last offered, so "1" on SMS can pick the first. */
  choices?: string[];
  /** Their labels as shown, so typing a label counts as pressing the button. */
  choiceLabels?: string[];
  /** User turns applied to this session so far: a lost update would show as a repeated count. */
  turns?: number;
  updatedAt: number;
}

/** The outcome of asking to start a turn. */
export type TurnStart =
  /** This message id was already processed: here is what was answered then. */
  | { kind: 'duplicate'; replies: OutboundMessage[] }
  /** It is this turn's go: the session as it stands (none for a new conversation). */
  | { kind: 'ready'; turn: TurnTicket; session: SessionRecord | undefined }
  /** The conversation is over its message limit: no turn was taken; try again after this long. */
  | { kind: 'limited'; retryAfterMs: number };

/** Messages one conversation may start a minute (0: no limit), counted when a turn is asked for. */
export interface TurnLimit {
  perMinute: number;
}

/** The window a `TurnLimit` counts in: opened by the conversation's first message, a minute long. */
export const TURN_LIMIT_WINDOW_MS = 60_000;

/**
 * One line of a conversation as agents see it; stores keep `text` masked, except what a history
 * channel's user re-reads (web chat: the bot's and agents' words as sent), which agents read masked.
 */
export interface TranscriptLine {
  from: 'user' | 'bot' | 'agent';
  text: string;
  at: number;
  agent?: string;
  /** An agent's line: the conversation's locale, in which a web user re-reads it. */
  locale?: Locale;
}

/** Proof of holding a conversation's turn; give it back to commit or abort. */
export interface TurnTicket {
  conversationId: string;
  seq: number;
  dedupeKey: string;
}

/**
 * Sessions, with turns serialized per conversation in arrival order, across processes.
 * Every implementation passes the contract suite in test/store/session-store.contract.ts.
 */
export interface SessionStore {
  /**
   * Wait (bounded) for this conversation's turn in arrival order, deduping by `dedupeKey`; with a
   * `limit`, a new message over it is refused (`limited`) in the same step (a duplicate is not counted).
   */
  beginTurn(conversationId: string, dedupeKey: string, limit?: TurnLimit): Promise<TurnStart>;
  /**
   * Save the session (idle TTL), remember the replies for redeliveries, append the turn's lines
   * to the conversation's transcript (masked, bounded), pass the turn on: one atomic step.
   * The store may keep `session` as it is and hand it back to the next turn: never change it
   * after committing it (the runtime builds a new record every turn).
   */
  commitTurn(
    turn: TurnTicket,
    session: SessionRecord,
    replies: OutboundMessage[],
    ttlMs: number,
    transcript?: TranscriptLine[],
  ): Promise<void>;
  /** Pass the turn on without saving (the turn failed); the message may be redelivered. */
  abortTurn(turn: TurnTicket): Promise<void>;
  /** Read a session outside a turn (agent views). */
  load(conversationId: string): Promise<SessionRecord | undefined>;
  delete(conversationId: string): Promise<void>;
  /** Reachability, for /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** A rendered message on its way out, as a channel's push path receives it. */
export interface Delivery {
  conversationId: string;
  channel: ChannelId;
  userId: string;
  messages: OutboundMessage[];
  /** Stable id of the event that caused it, so a retried delivery is not sent twice. */
  eventId: string;
  /**
   * The caller already sends this event id at most once (the answer of a committed turn, whose
   * event id the turn start deduplicates; an agent's message with a fresh id): the reliable
   * path keeps no once-only mark of its own, a Redis round trip less.
   */
  deduped?: boolean;
  /**
   * The conversation's transcript already holds these messages as sent (a committed turn's replies,
   * an agent's line): a channel whose history is that transcript (web chat on Redis) records nothing.
   */
  inHistory?: boolean;
}

/** What the runtime needs from a channel: a way to reach the user unprompted. */
export interface ChannelAdapter {
  readonly channel: ChannelId;
  /** Deliver messages that are not a direct answer to an inbound request. */
  push(delivery: Delivery): Promise<void>;
  /**
   * Tell the platform a human is taking the conversation, where it has a protocol for that
   * (Bot Framework's `handoff.initiate` event). Channels without one leave it out.
   */
  notifyHandoff?(notice: HandoffNotice): Promise<void>;
}

/** A conversation going to a human agent, as a channel's handoff protocol is told. */
export interface HandoffNotice {
  conversationId: string;
  channel: ChannelId;
  userId: string;
  reason: string;
}
