import type { EffectParams, EffectType } from '../core/effect.js';
import type { ConversationEvent } from '../core/event.js';
import type { ChannelId, Locale } from '../core/message.js';

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
}

/**
 * Executes one kind of effect. It may answer with an event that the machine receives within
 * the same turn (a created ticket's number, a lookup's result).
 */
export type EffectHandler<K extends EffectType> = (
  params: EffectParams[K],
  ctx: EffectContext,
) => Promise<ConversationEvent | void> | ConversationEvent | void;

/** Handlers by effect name; `reply` is the runtime's own. Features register theirs at wiring time. */
export type EffectHandlers = { [K in Exclude<EffectType, 'reply'>]?: EffectHandler<K> };
