import { Redis, type RedisOptions } from 'ioredis';

/**
 * One shared connection with auto-pipelining: concurrent turns' commands share round trips.
 * Commands fail fast while Redis is down instead of queueing forever, so a user gets a
 * "system busy" answer rather than a hung request.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 2000,
    commandTimeout: 5000,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    lazyConnect: false,
    ...options,
  });
}
