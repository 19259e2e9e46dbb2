import type { EffectType } from '../core/effect.js';
import { maskPersonalData } from '../domain/pii-mask.js';
import type { EffectObservation, TurnObservation, TurnObserver } from '../runtime/observer.js';
import type { AgentEventBus } from './events.js';
import { isActive, type HandoffStore } from './types.js';

/**
 * While a handoff is active, what the bot says (queue notices, "an agent joined") reaches the
 * agents' consoles live; the user's words get there through `forwardToAgent`. The transcript
 * itself is written by the turn's commit. Only turns that end in the `handoff` flow cost a read
 * of the handoff; a failure here never fails the turn.
 */
export function liveReplies(store: HandoffStore, bus: AgentEventBus, onError: (err: unknown) => void): TurnObserver {
  const publish = async (t: TurnObservation) => {
    if (!isActive(await store.get(t.conversationId))) return;
    for (const reply of t.replies) {
      const entry = { from: 'bot' as const, text: maskPersonalData(reply.text), at: t.at };
      await bus.publish({ type: 'message', conversationId: t.conversationId, entry });
    }
  };
  return {
    turn(t) {
      if (t.state === 'handoff' && t.replies.length > 0) publish(t).catch(onError);
    },
    effect(_type: EffectType, _params: unknown, _ctx: EffectObservation) {},
    error() {},
  };
}
