import type { Redis } from 'ioredis';
import type { Config } from '../config/load.js';
import { MemoryAgentEventBus, RedisAgentEventBus } from './events.js';
import { parseAgentHours } from './hours.js';
import { MemoryHandoffStore } from './memory-store.js';
import { RedisHandoffStore } from './redis-store.js';
import { HISTORY_CHANNELS } from '../store/outbox-store.js';
import { HandoffService, type HandoffServiceDeps } from './service.js';

type Ports = Pick<
  HandoffServiceDeps,
  'clock' | 'dispatch' | 'push' | 'text' | 'understand' | 'tickets' | 'notifyHandoff'
>;

/** The handoff service from configuration: Redis store and pub/sub with `redis`, in-memory without. */
export function createHandoff(config: Config, redis: Redis | undefined, ports: Ports): HandoffService {
  const options = {
    transcriptLimit: config.HANDOFF_TRANSCRIPT_LIMIT,
    presenceTtlMs: config.AGENT_PRESENCE_SECONDS * 1000,
    text: ports.text,
    historyChannels: HISTORY_CHANNELS,
  };
  const hours = parseAgentHours(config.AGENT_HOURS, config.AGENT_TIMEZONE) ?? {
    start: 0,
    end: 1440,
    timeZone: config.AGENT_TIMEZONE,
  };
  return new HandoffService({
    ...ports,
    store: redis ? new RedisHandoffStore(redis, options) : new MemoryHandoffStore(options),
    bus: redis ? new RedisAgentEventBus(redis) : new MemoryAgentEventBus(),
    hours,
    avgMinutes: config.HANDOFF_AVG_MINUTES,
    agents: config.AGENT_TOKENS,
  });
}
