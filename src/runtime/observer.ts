import type { EffectType } from '../core/effect.js';
import type { ConversationEvent } from '../core/event.js';
import type { ChannelId, OutboundMessage } from '../core/message.js';
import type { Intent } from '../core/nlu.js';

/** One finished turn, as the runtime saw it. */
export interface TurnObservation {
  conversationId: string;
  channel: ChannelId;
  /** `user.said` for a user's message; the event's type for a proactive turn. */
  event: ConversationEvent['type'];
  /** What the user's message was understood as (user turns only). */
  intent?: Intent;
  confidence?: number;
  /** The user's words, raw: an observer that keeps them must mask personal data first. */
  text?: string;
  /** The first turn of a conversation (no session existed). */
  started: boolean;
  /** Ticket numbers the turn created or touched, for log lines and reports. */
  tickets: string[];
  durationMs: number;
  /** Clock time of the turn (epoch ms). */
  at: number;
  /** Top-level state of the conversation after the turn (`ready`, `application`, `handoff`...). */
  state: string;
  /** What the bot said in the turn. */
  replies: OutboundMessage[];
}

/** Context of an executed effect. */
export interface EffectObservation {
  conversationId: string;
  channel: ChannelId;
  at: number;
}

/**
 * What the runtime tells about its work, for metrics and analytics. Implementations must be
 * cheap and must not throw (the runtime guards anyway): they run inside the turn.
 */
export interface TurnObserver {
  turn(turn: TurnObservation): void;
  /** An effect the runtime executed (replies excluded), with the machine's parameters. */
  effect(type: EffectType, params: unknown, context: EffectObservation): void;
  /** A turn failed; `code` is the error's stable code, or `KEFU_INTERNAL`. */
  error(code: string): void;
}
