import { randomUUID } from 'node:crypto';
import {
  LOCALES,
  conversationIdOf,
  type InboundMessage,
  type Locale,
  type OutboundMessage,
} from '../src/core/message.js';
import type { ChannelAdapter, Delivery } from '../src/core/ports.js';

/** The body of `POST /api/web/messages` once validated by the server. */
export interface WebMessageBody {
  userId: string;
  text: string;
  locale?: string;
  /** Client-generated id: a retried POST with the same id is answered once. */
  messageId?: string;
  /** Value of a pressed quick-reply button. */
  postback?: string;
}

/** A reply as the web contract shows it: `quickReplies` are labels, `buttons` add the values. */
export interface WebReply {
  text: string;
  quickReplies?: string[];
  buttons?: { label: string; value: string }[];
}

const isLocale = (l: string | undefined): l is Locale => l !== undefined && (LOCALES as readonly string[]).includes(l);

/** Web chat: JSON in, JSON out; proactive messages land in an outbox the page reads. */
export class WebChannel implements ChannelAdapter {
  readonly channel = 'web' as const;

  constructor(
    /** Keeps messages sent together at `at` in the outbox (the very objects: a store may keep their recipes). */
    private readonly record: (conversationId: string, messages: OutboundMessage[], at: number) => Promise<void>,
    private readonly now: () => number = Date.now,
    /**
     * The conversation's transcript is the page's history (Redis): a turn's commit and an agent's
     * line already keep what they send, so only what no turn sent (refusals) is recorded here.
     */
    private readonly historyInTranscript = false,
  ) {}

  toInbound(body: WebMessageBody): InboundMessage {
    const message: InboundMessage = {
      channel: 'web',
      userId: body.userId,
      conversationId: conversationIdOf('web', body.userId),
      messageId: body.messageId ?? randomUUID(),
      text: body.text,
      receivedAt: this.now(),
    };
    if (body.postback) message.postback = body.postback;
    if (isLocale(body.locale)) message.locale = body.locale;
    return message;
  }

  static toReply(message: OutboundMessage): WebReply {
    const reply: WebReply = { text: message.text };
    if (message.quickReplies?.length) {
      reply.quickReplies = message.quickReplies.map((q) => q.label);
      reply.buttons = message.quickReplies.map((q) => ({ label: q.label, value: q.value }));
    }
    return reply;
  }

  /** Direct answers are recorded too: the outbox is everything sent to the user. */
  async recordReplies(conversationId: string, messages: OutboundMessage[]): Promise<void> {
    await this.record(conversationId, messages, this.now());
  }

  /**
   * Record a direct answer to a user's message, unless the turn's commit already did (`committed`:
   * a turn ran; refusals before any turn, e.g. rate limits, are recorded here).
   */
  async recordAnswer(conversationId: string, messages: OutboundMessage[], committed: boolean): Promise<void> {
    if (!(this.historyInTranscript && committed)) await this.recordReplies(conversationId, messages);
  }

  async push(delivery: Delivery): Promise<void> {
    if (this.historyInTranscript && delivery.inHistory) return;
    await this.recordReplies(delivery.conversationId, delivery.messages);
  }
}
