import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { keys } from '../../src/store/redis-keys.js';
import { APPLICATION_SCENARIOS } from '../../bench/scenarios.js';
import { testKefu, uniqueUser } from '../support/kefu.js';

/** What a finished conversation leaves in Redis under its own hash tag (issue 10: at most 2 KB an idle session). */
describe('a finished application at rest in Redis', () => {
  let kefu: Kefu;
  beforeAll(async () => {
    kefu = await testKefu({ REDIS_URL: inject('redisUrl'), RATE_LIMIT_IP_PER_MINUTE: '0' });
  });
  afterAll(async () => kefu.close());

  /** The bench's application, from its greeting to its goodbye, every answer checked. */
  async function apply(userId: string): Promise<void> {
    const scenario = APPLICATION_SCENARIOS[0]!;
    for (const step of scenario.steps) {
      const payload = {
        userId,
        text: step.text,
        locale: scenario.locale,
        ...(step.postback ? { postback: step.postback } : {}),
      };
      const res = await kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload });
      expect(
        res
          .json<{ replies: { text: string }[] }>()
          .replies.map((r) => r.text)
          .join('\n'),
      ).toMatch(step.expect);
    }
  }
  const usage = async (key: string) => Number(await kefu.redis!.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));

  it('is three keys: the session, the turn lane and the message history; its state well within 1 kB', async () => {
    const userId = uniqueUser('rest');
    const conv = `web:${userId}`;
    await apply(userId);
    const redis = kefu.redis!;
    const stored = (await redis.keys(`kefu:{${conv}}:*`)).sort();
    expect(stored).toEqual([keys.lane(conv), keys.session(conv), keys.transcript(conv)].sort());
    const state = (await usage(keys.session(conv))) + (await usage(keys.lane(conv)));
    expect(state).toBeLessThanOrEqual(1024);
    // The lane: every turn's number taken and served, nobody holding, nine message ids, the goodbye.
    const [head, ids, latest] = (await redis.get(keys.lane(conv)))!.split('\n');
    expect(head).toMatch(/^9 9 0 \d+ \d+$/);
    expect(ids).toHaveLength(9 * 12);
    expect(latest).toContain('root.goodbye');
    expect(await redis.llen(keys.transcript(conv))).toBeGreaterThanOrEqual(2 * APPLICATION_SCENARIOS[0]!.steps.length);
  });

  it("with an id as long as the web page's, holds at most 2 KB, the id only in its key names", async () => {
    const userId = `web-${randomUUID()}`; // as public/chat.js makes them: 40 characters
    const conv = `web:${userId}`;
    await apply(userId);
    const redis = kefu.redis!;
    const session = (await redis.get(keys.session(conv)))!;
    expect(session).not.toContain(userId);
    expect(JSON.parse(session).snapshot.context).not.toHaveProperty('locale');
    const total =
      (await usage(keys.session(conv))) + (await usage(keys.lane(conv))) + (await usage(keys.transcript(conv)));
    expect(total).toBeLessThanOrEqual(2048);
  });
});
