import type { Redis } from 'ioredis';
import { channelOfConversation, type ChannelId, type OutboundMessage } from '../core/message.js';
import { appendCapped } from './capped-list.js';
import { TRANSCRIPT_TTL_MS, keys } from './redis-keys.js';
import {
  datedBatch,
  fillAt,
  isSentLine,
  readReply,
  readSent,
  replyJson,
  sentLineJson,
  type RenderReply,
} from './reply-json.js';

/** A message as it was sent to a web-chat user, with when. */
export interface SentMessage extends OutboundMessage {
  at: number;
}

/** Everything sent to a user of an outbox channel (web chat), proactive messages included. */
export interface OutboxStore {
  /** Messages sent together at `at`. */
  append(conversationId: string, messages: OutboundMessage[], at: number): Promise<void>;
  /** Oldest first; `afterIndex` for incremental reads. */
  list(conversationId: string, afterIndex?: number): Promise<SentMessage[]>;
  delete(conversationId: string): Promise<void>;
}

/**
 * Channels whose users re-read what they were sent (web chat): with Redis, their conversations'
 * transcripts keep it as sent and are their history (the session store, the handoff store and the
 * web channel all go by this).
 */
export const HISTORY_CHANNELS: readonly ChannelId[] = ['web'];

/** Whether `conversationId` (`<channel>:...`) is of one of `channels`. */
export const ofChannels = (channels: readonly string[], conversationId: string): boolean =>
  channels.includes(channelOfConversation(conversationId));

/**
 * Lines a web conversation keeps (the embedded outbox: messages), so that a chatty or abandoned
 * one does not grow without limit.
 */
export const HISTORY_LIMIT = 500;

export class MemoryOutboxStore implements OutboxStore {
  private readonly boxes = new Map<string, SentMessage[]>();

  async append(conversationId: string, messages: OutboundMessage[], at: number): Promise<void> {
    const box = this.boxes.get(conversationId) ?? [];
    box.push(...structuredClone(messages).map((m) => ({ ...m, at })));
    if (box.length > HISTORY_LIMIT) box.splice(0, box.length - HISTORY_LIMIT);
    this.boxes.set(conversationId, box);
  }

  async list(conversationId: string, afterIndex = 0): Promise<SentMessage[]> {
    return structuredClone((this.boxes.get(conversationId) ?? []).slice(afterIndex));
  }

  async delete(conversationId: string): Promise<void> {
    this.boxes.delete(conversationId);
  }
}

/**
 * What a web user was sent, read from the conversation's transcript, which for a history channel
 * keeps the bot's replies and the agents' words as sent (one list for the page and the agents,
 * not two copies). Messages recorded here (refusals before any turn) are added to it. A
 * conversation from before that still has its own outbox list: its entries come first.
 */
export class RedisOutboxStore implements OutboxStore {
  constructor(
    private readonly redis: Redis,
    /** The catalog's render: messages it made are kept as their recipes. */
    private readonly render?: RenderReply,
  ) {}

  async append(conversationId: string, messages: OutboundMessage[], at: number): Promise<void> {
    if (messages.length === 0) return;
    await appendCapped(
      this.redis,
      keys.transcript(conversationId),
      datedBatch(messages.map((m) => ({ json: sentLineJson(replyJson(m, this.render !== undefined), at), at }))),
      HISTORY_LIMIT,
      TRANSCRIPT_TTL_MS,
    );
  }

  async list(conversationId: string, afterIndex = 0): Promise<SentMessage[]> {
    // Two reads, not a MULTI (see appendCapped): nothing writes the outbox list any more.
    const [before, lines] = await Promise.all([
      this.redis.lrange(keys.outbox(conversationId), 0, -1),
      this.redis.lrange(keys.transcript(conversationId), 0, -1),
    ]);
    // The page polls every few seconds for what is new: lines before `afterIndex` are counted by how
    // their JSON starts (the stores write the fields in that order), not parsed or rendered.
    const sent: SentMessage[] = [];
    let index = 0;
    for (const entry of before) {
      if (index++ >= afterIndex) sent.push(readReply(JSON.parse(entry) as SentMessage, this.render));
    }
    for (const line of lines) {
      if (!isSentLine(line) || index++ < afterIndex) continue;
      const message = readSent(JSON.parse(line) as Parameters<typeof readSent>[0], this.render);
      if (message) sent.push(message);
    }
    return fillAt(sent);
  }

  async delete(conversationId: string): Promise<void> {
    await this.redis.del(keys.outbox(conversationId), keys.transcript(conversationId));
  }
}
