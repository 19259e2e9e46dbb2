import type { EffectType } from '../core/effect.js';
import { maskPersonalData } from '../domain/pii-mask.js';
import type { EffectObservation, TurnObservation, TurnObserver } from '../runtime/observer.js';
import type { AgentEventBus } from './events.js';

/**
 * While a handoff is active, what the bot says (queue notices, "an agent joined") reaches the
 * agents' consoles live; the user's words get there through `forwardToAgent`. The transcript
 * itself is written by the turn's commit. Only turns that end in the `handoff` flow publish, all
 * their lines in one write; whether the handoff is still active is each console stream's check
 * (src/server/routes/agent.ts), which an agent who may not see the conversation never passes.
 * A failure here never fails the turn.
 */
export function liveReplies(bus: AgentEventBus, onError: (err: unknown) => void): TurnObserver {
  return {
    turn(t: TurnObservation) {
      if (t.state !== 'handoff' || t.replies.length === 0) return;
      const sent = t.replies.map((reply) =>
        bus.publish({
          type: 'message',
          conversationId: t.conversationId,
          entry: { from: 'bot', text: maskPersonalData(reply.text), at: t.at },
        }),
      );
      Promise.all(sent).catch(onError);
    },
    effect(_type: EffectType, _params: unknown, _ctx: EffectObservation) {},
    error() {},
  };
}
