import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { EffectHandlers } from '../../src/runtime/effects.js';
import type { TurnObserver } from '../../src/runtime/observer.js';
import { createLogger } from '../../src/log/logger.js';
import { createKeywordRecognizer } from '../../src/nlu/keyword.js';
import { Catalog } from '../../src/runtime/catalog.js';
import { ChannelRegistry } from '../../src/runtime/delivery.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { MemorySessionStore } from '../../src/store/memory-session-store.js';

/**
 * `EffectContext.defer`: deferred work starts just before whatever the turn sends next, in the
 * same event-loop turn (so a Redis store sends both in one write), at the latest with the
 * commit; only the commit's failure fails the turn. `rememberLocale` (asked for by a language
 * switch) is the effect that defers here.
 */
describe('work deferred to the turn next write', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await Catalog.load();
  });

  function setUp(work: () => Promise<unknown>) {
    const events: string[] = [];
    const now = Date.UTC(2026, 10, 30, 2, 0, 0);
    const sessions = new MemorySessionStore(() => now, { turnWaitMs: 5000, dedupeTtlMs: 86_400_000 });
    const commit = sessions.commitTurn.bind(sessions);
    sessions.commitTurn = (...args) => {
      events.push('commit');
      return commit(...args);
    };
    const logger = createLogger('silent');
    const logged = vi.spyOn(logger, 'error');
    const errors: string[] = [];
    const observer: TurnObserver = { turn() {}, effect() {}, error: (code) => void errors.push(code) };
    const effects: EffectHandlers = {
      rememberLocale: (_params, ctx) => {
        events.push('effect');
        ctx.defer!(async () => {
          events.push('work');
          await work();
        });
      },
      // A waiting handoff, so that a language switch is followed by a second effect.
      requestHandoff: (_params, ctx) => ({
        type: 'lookup.result',
        lookup: 'handoff',
        result: { state: 'pending', position: 1, waitMinutes: 3, agentsOnline: 1 },
        at: ctx.now,
      }),
      forwardToAgent: () => void events.push('forward'),
    };
    const runtime = new Runtime({
      sessions,
      recognizer: createKeywordRecognizer(),
      catalog,
      clock: { now: () => now },
      channels: new ChannelRegistry(),
      effects,
      logger,
      observer,
      sessionTtlMs: 60_000,
      maxTextLength: 2000,
    });
    let n = 0;
    const say = (text: string) =>
      runtime.handle({
        channel: 'web',
        userId: 'u1',
        conversationId: 'web:u1',
        messageId: `m${++n}`,
        text,
        receivedAt: now,
      });
    return { events, sessions, logged, errors, say };
  }

  it('sends the work with the commit, in the same event-loop turn, before it', async () => {
    let sameTurn: boolean | undefined;
    const t = setUp(async () => {
      let checked = false;
      setImmediate(() => (checked = true));
      // Still before the check phase: nothing has yielded to I/O since the commit was sent.
      await Promise.resolve();
      sameTurn = !checked && t.events.includes('commit');
    });
    const { replies } = await t.say('English please');
    expect(replies.length).toBeGreaterThan(0);
    expect(t.events).toEqual(['effect', 'work', 'commit']);
    expect(sameTurn).toBe(true);
    expect((await t.sessions.load('web:u1'))?.locale).toBe('en');
  });

  it('sends the work before the next effect does anything', async () => {
    const t = setUp(async () => {});
    await t.say('转人工');
    t.events.length = 0;
    await t.say('English please');
    expect(t.events).toEqual(['effect', 'work', 'forward', 'commit']);
  });

  it('keeps the turn when the work fails, and says so in the log and to the observer', async () => {
    const t = setUp(async () => {
      throw new Error('timer store down');
    });
    const { replies } = await t.say('English please');
    expect(replies.map((r) => r.text).join(' ')).toMatch(/English/i);
    expect((await t.sessions.load('web:u1'))?.turns).toBe(1);
    expect(t.logged).toHaveBeenCalledWith(
      expect.objectContaining({ conversationId: 'web:u1' }),
      expect.stringContaining('the turn stands'),
    );
    expect(t.errors).toEqual(['KEFU_INTERNAL']);
  });

  it('fails the turn when the commit fails, and nothing is saved', async () => {
    const t = setUp(async () => {});
    const commit = t.sessions.commitTurn;
    t.sessions.commitTurn = async () => {
      throw new Error('store down');
    };
    await expect(t.say('English please')).rejects.toThrow('store down');
    expect(await t.sessions.load('web:u1')).toBeUndefined();
    // The work had gone out with the commit; it is idempotent, so a retried turn may send it again.
    expect(t.events).toEqual(['effect', 'work']);
    // The turn was given back: the next message is served.
    t.sessions.commitTurn = commit;
    await t.say('English please');
    expect((await t.sessions.load('web:u1'))?.locale).toBe('en');
  });
});
