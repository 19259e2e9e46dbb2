import type { Redis } from 'ioredis';
import type { OutboundMessage } from '../core/message.js';
import { keys } from './redis-keys.js';
import { readReply, replyJson, type RenderReply } from './reply-json.js';

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

/** Bounds keep a chatty or abandoned conversation from growing without limit. */
export const OUTBOX_LIMIT = 500;
export const OUTBOX_TTL_MS = 7 * 86_400_000;

export class MemoryOutboxStore implements OutboxStore {
  private readonly boxes = new Map<string, SentMessage[]>();

  async append(conversationId: string, messages: OutboundMessage[], at: number): Promise<void> {
    const box = this.boxes.get(conversationId) ?? [];
    box.push(...structuredClone(messages).map((m) => ({ ...m, at })));
    if (box.length > OUTBOX_LIMIT) box.splice(0, box.length - OUTBOX_LIMIT);
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
 * The outbox as a Redis list of JSON entries. With `render` (the catalog's), messages the catalog
 * made are kept as their recipes and rendered again when listed; entries kept as text read as before.
 */
export class RedisOutboxStore implements OutboxStore {
  constructor(
    private readonly redis: Redis,
    private readonly render?: RenderReply,
  ) {}

  async append(conversationId: string, messages: OutboundMessage[], at: number): Promise<void> {
    if (messages.length === 0) return;
    const key = keys.outbox(conversationId);
    const tail = `,"at":${at}}`;
    await this.redis
      .multi()
      .rpush(key, ...messages.map((m) => replyJson(m, this.render !== undefined).slice(0, -1) + tail))
      .ltrim(key, -OUTBOX_LIMIT, -1)
      .pexpire(key, OUTBOX_TTL_MS)
      .exec();
  }

  async list(conversationId: string, afterIndex = 0): Promise<SentMessage[]> {
    const raw = await this.redis.lrange(keys.outbox(conversationId), afterIndex, -1);
    return raw.map((r) => readReply(JSON.parse(r) as SentMessage, this.render));
  }

  async delete(conversationId: string): Promise<void> {
    await this.redis.del(keys.outbox(conversationId));
  }
}
