import { afterAll } from 'vitest';
import { Redis } from 'ioredis';
import { MemoryHandoffStore } from '../../src/handoff/memory-store.js';
import { RedisHandoffStore } from '../../src/handoff/redis-store.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { handoffStoreContract } from './handoff-store.contract.js';

const options = { transcriptLimit: 5, presenceTtlMs: 1000 };

handoffStoreContract('memory', async () => new MemoryHandoffStore(options));

// The queue and presence are global: a private redis-server, emptied before each test.
let server: RedisServer | undefined;
const clients: Redis[] = [];
handoffStoreContract('redis', async () => {
  server ??= await startRedisServer();
  const redis = new Redis(server.url);
  clients.push(redis);
  await redis.flushall();
  return new RedisHandoffStore(redis, options);
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server?.stop();
});
