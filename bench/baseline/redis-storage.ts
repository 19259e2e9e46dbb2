import type { Storage, StoreItems } from 'botbuilder';
import type { Redis } from 'ioredis';

/**
 * botbuilder `Storage` over ioredis, as a Bot Framework team would write it for Redis (the SDK
 * ships Blob and Cosmos DB storages only).
 *
 * Each item is one string key, `<eTag>\n<JSON of the item without its eTag>`, so reads are a
 * single MGET and the eTag can be checked in Lua without decoding JSON. Writes follow the
 * storage contract of botbuilder (MemoryStorage, CosmosDbPartitionedStorage): an item whose
 * `eTag` is missing or `*` is written unconditionally; otherwise the stored eTag must be the
 * same or the write fails (optimistic concurrency). All items of one `write` go in one script
 * call, checked before any is written, so a batch is all or nothing. The eTag is the item's
 * write count (a deleted item starts again at 1, as MemoryStorage's counter would not: a writer
 * holding an eTag from before a delete can overwrite the new item; the bot never deletes).
 */
const WRITE = `
local tags = {}
for i = 1, #KEYS do
  local expected = ARGV[(i - 1) * 2 + 1]
  local cur = redis.call('GET', KEYS[i])
  local stored = 0
  if cur then
    local tag = string.sub(cur, 1, string.find(cur, '\\n', 1, true) - 1)
    if expected ~= '' and expected ~= '*' and tag ~= expected then
      return {err = 'ETAG_CONFLICT ' .. KEYS[i]}
    end
    stored = tonumber(tag) or 0
  end
  tags[i] = tostring(stored + 1)
end
local ttl = tonumber(ARGV[#KEYS * 2 + 1])
for i = 1, #KEYS do
  local value = tags[i] .. '\\n' .. ARGV[(i - 1) * 2 + 2]
  if ttl > 0 then redis.call('SET', KEYS[i], value, 'EX', ttl) else redis.call('SET', KEYS[i], value) end
end
return tags
`;

/** A write refused because the stored item changed since it was read. */
export class ETagConflictError extends Error {
  readonly code = 'ETAG_CONFLICT';
}

export interface RedisStorageOptions {
  /** Prefix of every key (default `bf:`). */
  prefix?: string;
  /** Seconds an item lives after its last write; 0 keeps it forever. */
  ttlSeconds?: number;
}

/** The client with the write script defined on it (ioredis `defineCommand`: EVALSHA, EVAL on NOSCRIPT). */
type WithWrite = Redis & { bfStorageWrite(...args: string[]): Promise<string[]> };

export class RedisStorage implements Storage {
  private readonly prefix: string;
  private readonly ttl: number;
  private readonly client: WithWrite;

  constructor(
    private readonly redis: Redis,
    options: RedisStorageOptions = {},
  ) {
    this.prefix = options.prefix ?? 'bf:';
    this.ttl = options.ttlSeconds ?? 0;
    if (!('bfStorageWrite' in redis)) redis.defineCommand('bfStorageWrite', { lua: WRITE });
    this.client = redis as WithWrite;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const values = await this.redis.mget(keys.map((k) => this.prefix + k));
    const items: StoreItems = {};
    keys.forEach((key, i) => {
      const raw = values[i];
      if (raw === null || raw === undefined) return;
      const nl = raw.indexOf('\n');
      items[key] = { ...(JSON.parse(raw.slice(nl + 1)) as object), eTag: raw.slice(0, nl) };
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    const args: string[] = [];
    for (const key of keys) {
      const item = (changes[key] ?? {}) as { eTag?: string };
      const { eTag, ...rest } = item;
      args.push(eTag ?? '', JSON.stringify(rest));
    }
    let tags: string[];
    try {
      tags = await this.client.bfStorageWrite(
        String(keys.length),
        ...keys.map((k) => this.prefix + k),
        ...args,
        String(this.ttl),
      );
    } catch (err) {
      const message = (err as Error).message;
      if (message.includes('ETAG_CONFLICT')) throw new ETagConflictError(`Storage: eTag conflict (${message})`);
      throw err;
    }
    // The caller's objects now carry the stored eTag, so a second save in the same turn is not stale.
    keys.forEach((key, i) => {
      const item = changes[key] as { eTag?: string } | undefined;
      if (item && item.eTag !== '*' && typeof item === 'object') item.eTag = tags[i];
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.redis.del(...keys.map((k) => this.prefix + k));
  }
}
