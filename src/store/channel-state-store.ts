import type { Redis } from 'ioredis';

/**
 * Small per-conversation values a channel keeps between requests (Bot Framework conversation
 * references, SMS opt-outs). JSON values; an optional time to live.
 */
export interface ChannelStateStore {
  get<T>(conversationId: string, name: string): Promise<T | undefined>;
  set(conversationId: string, name: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(conversationId: string, name: string): Promise<void>;
}

// Same hash tag as the conversation's other keys (redis-keys.ts), so it moves with them.
const keyOf = (conversationId: string, name: string) => `kefu:{${conversationId}}:channel:${name}`;

export class MemoryChannelStateStore implements ChannelStateStore {
  private readonly values = new Map<string, { json: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get<T>(conversationId: string, name: string): Promise<T | undefined> {
    const key = keyOf(conversationId, name);
    const entry = this.values.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.values.delete(key);
      return undefined;
    }
    return JSON.parse(entry.json) as T;
  }

  async set(conversationId: string, name: string, value: unknown, ttlMs?: number): Promise<void> {
    const expiresAt = ttlMs === undefined ? Number.POSITIVE_INFINITY : this.now() + ttlMs;
    this.values.set(keyOf(conversationId, name), { json: JSON.stringify(value), expiresAt });
  }

  async delete(conversationId: string, name: string): Promise<void> {
    this.values.delete(keyOf(conversationId, name));
  }
}

export class RedisChannelStateStore implements ChannelStateStore {
  constructor(private readonly redis: Redis) {}

  async get<T>(conversationId: string, name: string): Promise<T | undefined> {
    const raw = await this.redis.get(keyOf(conversationId, name));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async set(conversationId: string, name: string, value: unknown, ttlMs?: number): Promise<void> {
    const key = keyOf(conversationId, name);
    if (ttlMs === undefined) await this.redis.set(key, JSON.stringify(value));
    else await this.redis.set(key, JSON.stringify(value), 'PX', ttlMs);
  }

  async delete(conversationId: string, name: string): Promise<void> {
    await this.redis.del(keyOf(conversationId, name));
  }
}
