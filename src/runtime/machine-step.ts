import { initialTransition, transition } from 'xstate';
import { EFFECT_TYPES, type Effect } from '../core/effect.js';
import type { ConversationEvent, ConversationInput } from '../core/event.js';
import type { NluContext } from '../core/nlu.js';
import { CONVERSATION_MACHINE_VERSION, conversationMachine } from '../../dialogs/conversation.js';
import type { StateMeta } from '../../dialogs/setup.js';

export type ConversationSnapshot = ReturnType<typeof conversationMachine.resolveState>;

const effectTypes = new Set<string>(EFFECT_TYPES);

/** Effects named by the actions of a pure transition, in order; xstate built-ins are not effects. */
function effectsOf(actions: readonly { type: string; params?: unknown }[]): Effect[] {
  return actions.filter((a) => effectTypes.has(a.type)).map((a) => ({ type: a.type, params: a.params }) as Effect);
}

/** A fresh conversation and whatever its entry asks for. */
export function startConversation(input: ConversationInput): { snapshot: ConversationSnapshot; effects: Effect[] } {
  const [snapshot, actions] = initialTransition(conversationMachine, input);
  return { snapshot, effects: effectsOf(actions) };
}

/**
 * Restore a persisted snapshot. Returns undefined when it was written by another machine
 * version or no longer resolves (states renamed by a deploy): the caller restarts politely.
 */
export function restoreConversation(persisted: unknown, version: number): ConversationSnapshot | undefined {
  if (version !== CONVERSATION_MACHINE_VERSION || persisted === null || typeof persisted !== 'object') return undefined;
  try {
    const snapshot = conversationMachine.resolveState(
      persisted as Parameters<typeof conversationMachine.resolveState>[0],
    );
    return snapshot.status === 'active' ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

/** One pure step: next snapshot and the effects it asks for. No actor, no I/O. */
export function step(
  snapshot: ConversationSnapshot,
  event: ConversationEvent,
): { snapshot: ConversationSnapshot; effects: Effect[] } {
  const [next, actions] = transition(conversationMachine, snapshot, event);
  return { snapshot: next, effects: effectsOf(actions) };
}

/** What the machine waits for now (deepest state's meta wins), for context-aware understanding. */
export function expectationOf(snapshot: ConversationSnapshot): NluContext['expecting'] {
  const metas = Object.values(snapshot.getMeta() as Record<string, StateMeta | undefined>);
  let expecting: NluContext['expecting'];
  for (const meta of metas) if (meta?.expecting) expecting = meta.expecting;
  return expecting;
}

export function persist(snapshot: ConversationSnapshot): unknown {
  return conversationMachine.getPersistedSnapshot(snapshot);
}

export { CONVERSATION_MACHINE_VERSION };
