import type { Redis } from 'ioredis';
import type { OutboundMessage } from '../core/message.js';
import { keys } from './redis-keys.js';

/** A message as it was sent to a web-chat user, with when. */
export interface SentMessage extends OutboundMessage {
  at: number;
}

/** Everything sent to a user of an outbox channel (web chat), proactive messages included. */
export interface OutboxStore {
  append(conversationId: string, messages: SentMessage[]): Promise<void>;
  /** Oldest first; `afterIndex` for incremental reads. */
  list(conversationId: string, afterIndex?: number): Promise<SentMessage[]>;
  delete(conversationId: string): Promise<void>;
}

/** Bounds keep a chatty or abandoned conversation from growing without limit. */
export const OUTBOX_LIMIT = 500;
export const OUTBOX_TTL_MS = 7 * 86_400_000;

export class MemoryOutboxStore implements OutboxStore {
  private readonly boxes = new Map<string, SentMessage[]>();

  async append(conversationId: string, messages: SentMessage[]): Promise<void> {
    const box = this.boxes.get(conversationId) ?? [];
    box.push(...structuredClone(messages));
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

export class RedisOutboxStore implements OutboxStore {
  constructor(private readonly redis: Redis) {}

  async append(conversationId: string, messages: SentMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const key = keys.outbox(conversationId);
    await this.redis
      .multi()
      .rpush(key, ...messages.map((m) => JSON.stringify(m)))
      .ltrim(key, -OUTBOX_LIMIT, -1)
      .pexpire(key, OUTBOX_TTL_MS)
      .exec();
  }

  async list(conversationId: string, afterIndex = 0): Promise<SentMessage[]> {
    const raw = await this.redis.lrange(keys.outbox(conversationId), afterIndex, -1);
    return raw.map((r) => JSON.parse(r) as SentMessage);
  }

  async delete(conversationId: string): Promise<void> {
    await this.redis.del(keys.outbox(conversationId));
  }
}
