import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { HandoffState, TranscriptEntry } from './types.js';

/** What agent consoles hear about, live. */
export type AgentEvent =
  /** The queue changed (a request, a claim, an end): consoles re-read it. */
  | { type: 'queue.changed' }
  /** A handoff changed state or holder. */
  | { type: 'handoff.changed'; conversationId: string; state: HandoffState; agent?: string }
  /** Something was said in a conversation that has an active handoff. */
  | { type: 'message'; conversationId: string; entry: TranscriptEntry };

/** Publish/subscribe between the processes that serve agents. */
export interface AgentEventBus {
  publish(event: AgentEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (event: AgentEvent) => void): () => void;
  /** Resolves once subscriptions made so far hear events published from now on. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export class MemoryAgentEventBus implements AgentEventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(event: AgentEvent): Promise<void> {
    this.emitter.emit('event', structuredClone(event));
  }

  subscribe(listener: (event: AgentEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

const CHANNEL = 'kefu:agent-events';

/**
 * Redis pub/sub, so an agent connected to one process hears about a user who wrote to another.
 * The subscriber needs its own connection (a subscribed connection can do nothing else); it is
 * opened on the first subscription.
 */
export class RedisAgentEventBus implements AgentEventBus {
  private readonly local = new MemoryAgentEventBus();
  private subscriber: Redis | undefined;
  private subscribed: Promise<void> = Promise.resolve();

  constructor(private readonly redis: Redis) {}

  async publish(event: AgentEvent): Promise<void> {
    await this.redis.publish(CHANNEL, JSON.stringify(event));
  }

  subscribe(listener: (event: AgentEvent) => void): () => void {
    if (!this.subscriber) {
      const sub = this.redis.duplicate();
      this.subscriber = sub;
      sub.on('error', () => {});
      sub.on('message', (_channel: string, raw: string) => void this.local.publish(JSON.parse(raw) as AgentEvent));
      this.subscribed = sub.subscribe(CHANNEL).then(
        () => {},
        () => {},
      );
    }
    return this.local.subscribe(listener);
  }

  ready(): Promise<void> {
    return this.subscribed;
  }

  async close(): Promise<void> {
    await this.local.close();
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}
