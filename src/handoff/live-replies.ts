import type { OutboundMessage } from '../core/message.js';
import { maskPersonalData } from '../domain/pii-mask.js';
import type { AgentEventBus } from './events.js';

/**
 * While a handoff is active, what the bot says (queue notices, "an agent joined") reaches the
 * agents' consoles live; the user's words get there through `forwardToAgent`. The transcript
 * itself is written by the turn's commit. The runtime's `alongCommit`: turns that end in the
 * `handoff` flow publish their lines in the commit's write, dated as the transcript dates them.
 * Whether the handoff is still active, and whether an agent may see it, is each console
 * stream's check (src/server/routes/agent.ts). A failure here never fails the turn.
 */
export function liveReplies(bus: AgentEventBus) {
  return (conversationId: string, state: string, replies: OutboundMessage[], at: number) => {
    if (state !== 'handoff' || replies.length === 0) return undefined;
    return () =>
      Promise.all(
        replies.map((reply) =>
          bus.publish({
            type: 'message',
            conversationId,
            entry: { from: 'bot', text: maskPersonalData(reply.text), at },
          }),
        ),
      );
  };
}
