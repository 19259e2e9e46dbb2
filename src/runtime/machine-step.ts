import { createActor, type ActionExecutor, type ActorScope } from 'xstate';
import { EFFECT_TYPES, type Effect } from '../core/effect.js';
import type { ConversationEvent, ConversationInput } from '../core/event.js';
import { channelOfConversation, conversationIdOf, userIdOfConversation, type Locale } from '../core/message.js';
import type { NluContext } from '../core/nlu.js';
import { CONVERSATION_MACHINE_VERSION, conversationMachine } from '../../dialogs/conversation.js';
import type { ConversationContext, StateMeta } from '../../dialogs/setup.js';

export type ConversationSnapshot = ReturnType<typeof conversationMachine.resolveState>;

const effectTypes = new Set<string>(EFFECT_TYPES);

// xstate's `transition()` and `initialTransition()` build a whole inert Actor per call (computing
// the machine's initial snapshot only to throw it away): a third of a step's cost. The machine
// spawns and invokes no children and delays no events, so one inert scope serves every step;
// only the executor, which collects the step's actions, changes per call. Steps are synchronous,
// so calls never overlap.
const noop = () => {};
// Never started: it only stands as `self` (which no action of ours reads).
const self = createActor(conversationMachine, { input: { channel: 'web', userId: '', locale: 'zh-CN' } });
const scope: ActorScope<ConversationSnapshot, ConversationEvent> = {
  self,
  id: '',
  sessionId: '',
  logger: noop,
  defer: noop,
  emit: noop,
  system: self.system,
  stopChild: noop,
  actionExecutor: noop,
};

// The effects the current step's actions name, in order; xstate built-ins are not effects.
let collected: Effect[] = [];
const collect: ActionExecutor = (a) => {
  if (effectTypes.has(a.type)) collected.push({ type: a.type, params: a.params } as Effect);
};

/** A fresh conversation and whatever its entry asks for. */
export function startConversation(input: ConversationInput): { snapshot: ConversationSnapshot; effects: Effect[] } {
  const effects: Effect[] = (collected = []);
  scope.actionExecutor = collect;
  try {
    return { snapshot: conversationMachine.getInitialSnapshot(scope, input), effects };
  } finally {
    scope.actionExecutor = noop;
  }
}

/**
 * Restore a persisted snapshot. Returns undefined when it was written by another machine
 * version or no longer resolves (states renamed by a deploy): the caller restarts politely.
 */
export function restoreConversation(
  persisted: unknown,
  version: number,
  known?: KnownContext,
): ConversationSnapshot | undefined {
  if (version !== CONVERSATION_MACHINE_VERSION || persisted === null || typeof persisted !== 'object') return undefined;
  try {
    const full: Record<string, unknown> = { ...STORED_DEFAULTS, ...persisted };
    if (known && typeof full.context === 'object' && full.context !== null) {
      full.context = { ...contextFromId(known), ...full.context };
    }
    const snapshot = conversationMachine.resolveState(full as Parameters<typeof conversationMachine.resolveState>[0]);
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
  const effects: Effect[] = (collected = []);
  scope.actionExecutor = collect;
  try {
    return { snapshot: conversationMachine.transition(snapshot, event, scope), effects };
  } finally {
    scope.actionExecutor = noop;
  }
}

/** What the machine waits for now (deepest state's meta wins), for context-aware understanding. */
export function expectationOf(snapshot: ConversationSnapshot): NluContext['expecting'] {
  const metas = Object.values(snapshot.getMeta() as Record<string, StateMeta | undefined>);
  let expecting: NluContext['expecting'];
  for (const meta of metas) if (meta?.expecting) expecting = meta.expecting;
  return expecting;
}

/**
 * The snapshot as stored: exactly what `getPersistedSnapshot` gives, key for key. That walks the
 * whole context looking for actor references to replace; this machine spawns no actors (so there
 * are none, and no children), so the context is taken as it is.
 */
export function persist(snapshot: ConversationSnapshot): unknown {
  if (Object.keys(snapshot.children).length > 0) return conversationMachine.getPersistedSnapshot(snapshot);
  return {
    status: snapshot.status,
    output: snapshot.output,
    error: snapshot.error,
    value: snapshot.value,
    historyValue: serializeHistoryValue(snapshot.historyValue),
    context: snapshot.context,
    children: {},
  };
}

// What `storedSnapshot` leaves out when a field holds it: about 50 bytes of every stored session.
const STORED_DEFAULTS = { status: 'active', historyValue: {}, children: {} } as const;

/**
 * The snapshot as the session store keeps it: `persist`'s without the fields that hold their usual
 * values (a live conversation, no history states remembered, no children); `restoreConversation`
 * puts them back, and reads the full form as well.
 */
export function storedSnapshot(snapshot: ConversationSnapshot, known?: KnownContext): unknown {
  if (Object.keys(snapshot.children).length > 0) return persist(snapshot);
  // Built straight from the snapshot, in `persist`'s key order: this runs every turn.
  const out: Record<string, unknown> = {};
  if (snapshot.status !== STORED_DEFAULTS.status) out.status = snapshot.status;
  if (snapshot.output !== undefined) out.output = snapshot.output;
  if (snapshot.error !== undefined) out.error = snapshot.error;
  out.value = snapshot.value;
  const history = serializeHistoryValue(snapshot.historyValue);
  for (const _ in history) {
    out.historyValue = history;
    break;
  }
  out.context = known ? withoutKnown(snapshot.context, known) : snapshot.context;
  return out;
}

/** What the session record already says besides the snapshot: its conversation and locale. */
export interface KnownContext {
  conversationId: string;
  locale: Locale;
}

/** The context fields a conversation id `channel:userId` and the record's locale give back. */
function contextFromId(known: KnownContext): Partial<ConversationContext> {
  return {
    channel: channelOfConversation(known.conversationId) as ConversationContext['channel'],
    userId: userIdOfConversation(known.conversationId),
    locale: known.locale,
  };
}

/**
 * The context without what `contextFromId` gives back exactly: channel and user id when the
 * conversation id is made of them, the locale when the record holds the same. With a web page's
 * 40-character user id that is about 90 bytes of every stored session.
 */
function withoutKnown(context: ConversationContext, known: KnownContext): Partial<ConversationContext> {
  const { channel, userId, locale, ...rest } = context;
  const out: Partial<ConversationContext> = {};
  if (conversationIdOf(channel, userId) !== known.conversationId) {
    out.channel = channel;
    out.userId = userId;
  }
  if (locale !== known.locale) out.locale = locale;
  return Object.assign(out, rest);
}

/** xstate's own form of the history: the ids of the state nodes each history state remembers. */
function serializeHistoryValue(history: unknown): Record<string, { id: string }[]> {
  const out: Record<string, { id: string }[]> = {};
  if (typeof history !== 'object' || history === null) return out;
  for (const [key, nodes] of Object.entries(history as Record<string, unknown>)) {
    if (Array.isArray(nodes)) out[key] = nodes.map((node: { id: string }) => ({ id: node.id }));
  }
  return out;
}

export { CONVERSATION_MACHINE_VERSION };
