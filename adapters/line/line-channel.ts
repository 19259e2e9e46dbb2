import { createHash, randomUUID } from 'node:crypto';
import { HTTPFetchError, validateSignature, type messagingApi } from '@line/bot-sdk';
import { conversationIdOf, type InboundMessage, type Locale, type OutboundMessage } from '../../src/core/message.js';
import type { ChannelAdapter, Delivery } from '../../src/core/ports.js';
import { localeFromTag, splitText, type InboundHandler } from '../text-rendering.js';

// Limits of the Messaging API (developers.line.biz/en/reference/messaging-api/):
/** A text message holds at most 5000 characters. */
const TEXT_MAX = 5000;
/** One reply or push call carries at most 5 message objects. */
const MESSAGES_PER_CALL = 5;
/** A quick reply offers at most 13 buttons. */
const QUICK_REPLY_MAX = 13;
/** A quick-reply action label is at most 20 characters. */
const LABEL_MAX = 20;
/** Postback `data` and `displayText` are at most 300 characters. */
const POSTBACK_MAX = 300;
/** The profile's language changes rarely; ask again after an hour. */
const PROFILE_TTL_MS = 3_600_000;
const PROFILE_CACHE_MAX = 10_000;

/** The parts of a webhook event kefu reads (the rest is ignored). */
export interface LineEvent {
  type: string;
  webhookEventId: string;
  timestamp: number;
  replyToken?: string;
  source?: { type: string; userId?: string };
  deliveryContext?: { isRedelivery: boolean };
  message?: { type: string; id?: string; text?: string };
  postback?: { data: string };
}

export interface LineChannelOptions {
  channelSecret: string;
  client: Pick<messagingApi.MessagingApiClient, 'replyMessage' | 'pushMessage' | 'getProfile'>;
  handle: InboundHandler;
  onError?: (err: unknown, context: string) => void;
  now?: () => number;
  /**
   * Which events' answers reached LINE. Without it a redelivered event is never answered again;
   * with it, one whose answer failed (LINE's API down, so the webhook said 5xx) is answered then.
   */
  answered?: {
    has(conversationId: string, webhookEventId: string): Promise<boolean>;
    mark(conversationId: string, webhookEventId: string): Promise<void>;
  };
}

const clip = (s: string, max: number) => ([...s].length <= max ? s : `${[...s].slice(0, max - 1).join('')}…`);

/** LINE Messaging API: webhook in, reply (or push) out; quick replies as postbacks. */
export class LineChannel implements ChannelAdapter {
  readonly channel = 'line' as const;
  private readonly profiles = new Map<string, { locale: Locale | undefined; at: number }>();
  private readonly now: () => number;

  constructor(private readonly o: LineChannelOptions) {
    this.now = o.now ?? Date.now;
  }

  /** `x-line-signature` is base64 HMAC-SHA256 of the raw body with the channel secret. */
  verify(rawBody: Buffer, signature: string | undefined): boolean {
    if (!signature) return false;
    return validateSignature(rawBody, this.o.channelSecret, signature);
  }

  /**
   * Handle one webhook body's events: one user's events in order, users in parallel. Throws
   * when a turn fails, so the webhook answers 5xx and LINE redelivers (dedupe makes that safe).
   */
  async receive(events: LineEvent[]): Promise<void> {
    const byUser = new Map<string, LineEvent[]>();
    for (const event of events) {
      const userId = event.source?.userId;
      if (!userId) continue;
      byUser.set(userId, [...(byUser.get(userId) ?? []), event]);
    }
    const results = await Promise.allSettled(
      [...byUser.values()].map(async (list) => {
        for (const event of list) await this.receiveOne(event);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async receiveOne(event: LineEvent): Promise<void> {
    const inbound = this.toInbound(event);
    if (!inbound) return;
    const locale = await this.profileLocale(inbound.userId);
    if (locale) inbound.locale = locale;
    const { replies, duplicate } = await this.o.handle(inbound);
    if (replies.length === 0) return;
    // A redelivery (deliveryContext.isRedelivery) of an event already answered: say nothing twice.
    // But if the first answer never got through, the turn's stored replies are sent now.
    const answered = this.o.answered;
    if (duplicate && (!answered || (await answered.has(inbound.conversationId, event.webhookEventId)))) return;
    await this.answer(inbound.userId, event.replyToken, replies, `line:${event.webhookEventId}`);
    await answered?.mark(inbound.conversationId, event.webhookEventId);
  }

  /** Text messages and postbacks from users; everything else (stickers, follows, groups) is not a message. */
  toInbound(event: LineEvent): InboundMessage | undefined {
    const userId = event.source?.type === 'user' ? event.source.userId : undefined;
    if (!userId) return undefined;
    const base = {
      channel: 'line' as const,
      userId,
      conversationId: conversationIdOf('line', userId),
      // The runtime dedupes by messageId: webhookEventId is the same on every redelivery.
      messageId: event.webhookEventId,
      receivedAt: event.timestamp || this.now(),
    };
    if (event.type === 'message' && event.message?.type === 'text' && typeof event.message.text === 'string') {
      return { ...base, text: event.message.text };
    }
    if (event.type === 'postback' && event.postback) {
      return { ...base, text: event.postback.data, postback: event.postback.data };
    }
    return undefined;
  }

  /** Render within LINE's limits: long texts split, at most 13 quick replies on the message that has them. */
  static toMessages(replies: OutboundMessage[]): messagingApi.Message[] {
    const out: messagingApi.Message[] = [];
    for (const reply of replies) {
      const pieces = splitText(reply.text, TEXT_MAX);
      pieces.forEach((text, i) => {
        const message: messagingApi.TextMessage = { type: 'text', text };
        // Quick replies show only under the last message of a batch: attach them to the last piece.
        if (i === pieces.length - 1 && reply.quickReplies?.length) {
          message.quickReply = {
            items: reply.quickReplies.slice(0, QUICK_REPLY_MAX).map((q) => ({
              type: 'action' as const,
              action: {
                type: 'postback' as const,
                label: clip(q.label, LABEL_MAX),
                data: clip(q.value, POSTBACK_MAX),
                // Shown in the chat as if typed, so the transcript reads naturally.
                displayText: clip(q.label, POSTBACK_MAX),
              },
            })),
          };
        }
        out.push(message);
      });
    }
    return out;
  }

  /** The reply token answers once and expires: anything it cannot carry goes by push. */
  private async answer(
    userId: string,
    replyToken: string | undefined,
    replies: OutboundMessage[],
    eventId: string,
  ): Promise<void> {
    const messages = LineChannel.toMessages(replies);
    const first = messages.slice(0, MESSAGES_PER_CALL);
    let rest = messages.slice(MESSAGES_PER_CALL);
    if (replyToken) {
      try {
        await this.o.client.replyMessage({ replyToken, messages: first });
      } catch (err) {
        // 400 "Invalid reply token": used or expired (a slow turn, a redelivery). Push instead.
        if (!(err instanceof HTTPFetchError) || err.status !== 400) throw err;
        this.o.onError?.(err, 'line reply token rejected; pushing instead');
        rest = messages;
      }
    } else {
      rest = messages;
    }
    await this.pushMessages(userId, rest, eventId);
  }

  async push(delivery: Delivery): Promise<void> {
    await this.pushMessages(delivery.userId, LineChannel.toMessages(delivery.messages), delivery.eventId);
  }

  private async pushMessages(to: string, messages: messagingApi.Message[], eventId: string): Promise<void> {
    for (let i = 0; i < messages.length; i += MESSAGES_PER_CALL) {
      try {
        // Same key for a retried delivery of the same event: LINE sends it once (409 on repeats).
        await this.o.client.pushMessage(
          { to, messages: messages.slice(i, i + MESSAGES_PER_CALL) },
          retryKeyOf(`${eventId}#${i}`),
        );
      } catch (err) {
        if (err instanceof HTTPFetchError && err.status === 409) continue;
        throw err;
      }
    }
  }

  /** The user's language from their LINE profile; undefined when not shared or unreachable. */
  private async profileLocale(userId: string): Promise<Locale | undefined> {
    const cached = this.profiles.get(userId);
    if (cached && this.now() - cached.at < PROFILE_TTL_MS) return cached.locale;
    let locale: Locale | undefined;
    try {
      locale = localeFromTag((await this.o.client.getProfile(userId)).language);
    } catch (err) {
      this.o.onError?.(err, 'line profile unavailable');
    }
    if (this.profiles.size >= PROFILE_CACHE_MAX) this.profiles.delete(this.profiles.keys().next().value!);
    this.profiles.set(userId, { locale, at: this.now() });
    return locale;
  }
}

/** `X-Line-Retry-Key` must be a UUID: derive one from the event so retries repeat it. */
export function retryKeyOf(seed: string | undefined): string {
  if (!seed) return randomUUID();
  const h = createHash('sha1').update(seed).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
