import type { ConversationEvent } from '../core/event.js';
import type { InboundMessage, OutboundMessage } from '../core/message.js';
import type { AgentEventBus } from './events.js';
import type { ConversationTarget } from './service.js';
import { isActive, type HandoffStore, type TranscriptEntry } from './types.js';

/** The two turn entry points of the runtime, by shape. */
export interface TurnRunner {
  handle(message: InboundMessage): Promise<{ replies: OutboundMessage[]; duplicate: boolean }>;
  dispatch(target: ConversationTarget, event: ConversationEvent, eventId: string): Promise<OutboundMessage[]>;
}

/**
 * Keep every conversation's last messages, both directions, so an agent who takes it over
 * sees what was said. Wraps the runner's entry points in place: every channel goes through
 * them, and the runtime stays unaware of agents. A transcript failure never fails the turn.
 * While a handoff is active, the bot's words also reach the agents' consoles live (the
 * user's words get there through `forwardToAgent`).
 */
export function recordTranscripts(
  runner: TurnRunner,
  store: HandoffStore,
  bus: AgentEventBus,
  onError: (err: unknown) => void,
): void {
  const handle = runner.handle.bind(runner);
  const dispatch = runner.dispatch.bind(runner);

  const keep = async (conversationId: string, entries: TranscriptEntry[]) => {
    if (entries.length === 0) return;
    try {
      await store.appendTranscript(conversationId, entries);
      const bot = entries.filter((e) => e.from === 'bot');
      if (bot.length > 0 && isActive(await store.get(conversationId))) {
        for (const entry of bot) await bus.publish({ type: 'message', conversationId, entry });
      }
    } catch (err) {
      onError(err);
    }
  };

  runner.handle = async (message) => {
    const result = await handle(message);
    if (!result.duplicate) {
      const at = message.receivedAt;
      const user: TranscriptEntry[] = message.text.trim() ? [{ from: 'user', text: message.text.trim(), at }] : [];
      await keep(message.conversationId, [
        ...user,
        ...result.replies.map((r) => ({ from: 'bot' as const, text: r.text, at })),
      ]);
    }
    return result;
  };

  runner.dispatch = async (target, event, eventId) => {
    const replies = await dispatch(target, event, eventId);
    await keep(
      target.conversationId,
      replies.map((r) => ({ from: 'bot' as const, text: r.text, at: event.at })),
    );
    return replies;
  };
}
