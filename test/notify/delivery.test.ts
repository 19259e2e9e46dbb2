import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChannelAdapter, Delivery } from '../../src/core/ports.js';
import { ReliableChannels } from '../../src/notify/delivery.js';
import { MemoryNotifyStore } from '../../src/notify/memory-notify-store.js';

const logger = pino({ level: 'silent' });

function delivery(eventId: string): Delivery {
  return { conversationId: 'web:u9', channel: 'web', userId: 'u9', eventId, messages: [{ key: 'k', text: 'hello' }] };
}

function flakyWeb(failures: number): ChannelAdapter & { sent: Delivery[]; calls: number } {
  const adapter = {
    channel: 'web' as const,
    sent: [] as Delivery[],
    calls: 0,
    async push(d: Delivery) {
      adapter.calls++;
      if (adapter.calls <= failures) throw new Error(`platform down (${adapter.calls})`);
      adapter.sent.push(d);
    },
  };
  return adapter;
}

function setup(failures: number) {
  const store = new MemoryNotifyStore(() => 0);
  const waits: number[] = [];
  const channels = new ReliableChannels({
    store,
    logger,
    now: () => 42,
    attempts: 4,
    baseDelayMs: 100,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  const web = flakyWeb(failures);
  channels.register(web);
  return { store, channels, web, waits };
}

describe('reliable proactive delivery', () => {
  it('retries a failing push with exponential backoff until it gets through', async () => {
    const { channels, web, waits } = setup(2);
    expect(await channels.push(delivery('e1'))).toBe(true);
    expect(web.sent).toHaveLength(1);
    expect(waits).toEqual([100, 200]);
  });

  it('never sends one event twice', async () => {
    const { channels, web } = setup(0);
    await channels.push(delivery('e2'));
    await channels.push(delivery('e2'));
    await Promise.all([channels.push(delivery('e3')), channels.push(delivery('e3'))]);
    expect(web.sent.map((d) => d.eventId)).toEqual(['e2', 'e3']);
  });

  it('keeps no once-only mark when the caller already sends the event once (a committed turn)', async () => {
    const { channels, web, store } = setup(1);
    let marks = 0;
    const claimOnce = store.claimOnce.bind(store);
    store.claimOnce = async (...args) => (marks++, claimOnce(...args));
    expect(await channels.push({ ...delivery('e9'), deduped: true })).toBe(true);
    expect(web.sent.map((d) => d.eventId)).toEqual(['e9']); // retried after one failure, sent once
    expect(marks).toBe(0);
    await channels.push(delivery('e10'));
    expect(marks).toBe(1);
  });

  it('gives up after the bounded attempts and records a dead letter; a replay may try again', async () => {
    const { channels, web, store, waits } = setup(4);
    expect(await channels.push(delivery('e4'))).toBe(false);
    expect(web.calls).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
    const [dead] = await store.deadLetters();
    expect(dead).toMatchObject({ reason: 'push_failed', attempts: 4, at: 42, error: 'platform down (4)' });
    expect(dead?.delivery.eventId).toBe('e4');
    expect(await channels.push(delivery('e4'))).toBe(true);
    expect(web.sent).toHaveLength(1);
  });

  it('a channel that is not running here is dead-lettered at once', async () => {
    const { channels, store } = setup(0);
    expect(await channels.push({ ...delivery('e5'), channel: 'line' })).toBe(false);
    expect((await store.deadLetters())[0]).toMatchObject({ reason: 'channel_unavailable', attempts: 1 });
  });
});
