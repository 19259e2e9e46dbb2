import { describe, expect, it } from 'vitest';
import type { HandoffStore, NewHandoff } from '../../src/handoff/types.js';

let n = 0;
/** A unique conversation per test, so suites may share one Redis. */
export const newHandoff = (over: Partial<NewHandoff> = {}): NewHandoff => {
  const userId = `u${Date.now().toString(36)}${(n++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return {
    conversationId: `web:${userId}`,
    channel: 'web',
    userId,
    locale: 'zh-CN',
    reason: 'user_request',
    preview: '转人工',
    requestedAt: 1000,
    ...over,
  };
};

/**
 * What every HandoffStore must do (memory and Redis). `make` gives a store with an empty queue,
 * a transcript limit of 5 and a presence window of 1000 ms.
 */
export function handoffStoreContract(name: string, make: () => Promise<HandoffStore>) {
  describe(`${name}: HandoffStore contract`, () => {
    it('queues first come first, with positions, and a second request returns the open handoff', async () => {
      const store = await make();
      const a = newHandoff();
      const b = newHandoff();
      expect((await store.request(a)).created).toBe(true);
      expect((await store.request(b)).created).toBe(true);
      const again = await store.request({ ...a, preview: 'other' });
      expect(again).toMatchObject({ created: false, handoff: { state: 'pending', preview: '转人工' } });
      expect((await store.queue()).map((h) => h.conversationId)).toEqual([a.conversationId, b.conversationId]);
      expect(await store.position(a.conversationId)).toBe(1);
      expect(await store.position(b.conversationId)).toBe(2);
      expect(await store.position('web:nobody')).toBeUndefined();
    });

    it('applies calls made together in order: a place asked for with the request sees it', async () => {
      const store = await make();
      const a = newHandoff();
      const b = newHandoff();
      const [first, second, placeA, placeB] = await Promise.all([
        store.request(a),
        store.request(b),
        store.position(a.conversationId),
        store.position(b.conversationId),
      ]);
      expect([first.created, second.created]).toEqual([true, true]);
      expect([placeA, placeB]).toEqual([1, 2]);
    });

    it('notes the topic of an active handoff only', async () => {
      const store = await make();
      const a = newHandoff();
      await store.request(a);
      await store.setTopic(a.conversationId, 'apply');
      expect(await store.get(a.conversationId)).toMatchObject({ state: 'pending', intent: 'apply', preview: '转人工' });
      await store.claim(a.conversationId, 'alice', 2000);
      await store.setTopic(a.conversationId, 'complaint');
      expect(await store.get(a.conversationId)).toMatchObject({
        state: 'assigned',
        agent: 'alice',
        intent: 'complaint',
      });
      await store.end(a.conversationId, 'user_ended', 3000);
      await store.setTopic(a.conversationId, 'status');
      expect((await store.get(a.conversationId))?.intent).toBe('complaint');
      await store.setTopic('web:nobody', 'apply');
      expect(await store.get('web:nobody')).toBeUndefined();
    });

    it('claim: pending -> assigned, out of the queue; the holder may claim again, another agent may not', async () => {
      const store = await make();
      const a = newHandoff();
      await store.request(a);
      const claimed = await store.claim(a.conversationId, 'alice', 2000);
      expect(claimed).toMatchObject({ ok: true, handoff: { state: 'assigned', agent: 'alice', assignedAt: 2000 } });
      expect(await store.queue()).toEqual([]);
      expect(await store.claim(a.conversationId, 'alice', 2100)).toMatchObject({ ok: true });
      expect(await store.claim(a.conversationId, 'bob', 2100)).toEqual({ ok: false, why: 'held', holder: 'alice' });
      expect(await store.claim('web:nobody', 'bob', 2100)).toEqual({ ok: false, why: 'missing' });
      expect((await store.heldBy('alice')).map((h) => h.conversationId)).toEqual([a.conversationId]);
      expect(await store.heldBy('bob')).toEqual([]);
    });

    it('of many agents claiming at once exactly one wins', async () => {
      const store = await make();
      const a = newHandoff();
      await store.request(a);
      const agents = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'];
      const results = await Promise.all(agents.map((agent) => store.claim(a.conversationId, agent, 3000)));
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const holder = (await store.get(a.conversationId))?.agent;
      expect(results.filter((r) => !r.ok)).toEqual(agents.slice(0, 7).map(() => ({ ok: false, why: 'held', holder })));
    });

    it('transfer moves the conversation between agents, only from its holder', async () => {
      const store = await make();
      const a = newHandoff();
      await store.request(a);
      expect(await store.transfer(a.conversationId, 'alice', 'bob', 1)).toEqual({ ok: false, why: 'not_assigned' });
      await store.claim(a.conversationId, 'alice', 2000);
      expect(await store.transfer(a.conversationId, 'carol', 'bob', 1)).toEqual({
        ok: false,
        why: 'held',
        holder: 'alice',
      });
      expect(await store.transfer(a.conversationId, 'alice', 'bob', 2500)).toMatchObject({
        ok: true,
        handoff: { agent: 'bob', assignedAt: 2500 },
      });
      expect(await store.heldBy('alice')).toEqual([]);
      expect((await store.heldBy('bob')).map((h) => h.conversationId)).toEqual([a.conversationId]);
    });

    it('end: resolved with its reason, or expired; by an agent only when they hold it; once', async () => {
      const store = await make();
      const a = newHandoff();
      const b = newHandoff();
      await store.request(a);
      await store.request(b);
      expect(await store.end(a.conversationId, 'agent_released', 1, 'alice')).toEqual({
        ok: false,
        why: 'not_assigned',
      });
      await store.claim(a.conversationId, 'alice', 2000);
      expect(await store.end(a.conversationId, 'agent_released', 1, 'bob')).toEqual({
        ok: false,
        why: 'held',
        holder: 'alice',
      });
      expect(await store.end(a.conversationId, 'agent_released', 3000, 'alice')).toMatchObject({
        ok: true,
        handoff: { state: 'resolved', endReason: 'agent_released', endedAt: 3000 },
      });
      expect(await store.end(a.conversationId, 'user_ended', 3100)).toEqual({ ok: false, why: 'ended' });
      expect(await store.heldBy('alice')).toEqual([]);
      expect(await store.end(b.conversationId, 'expired', 4000)).toMatchObject({
        ok: true,
        handoff: { state: 'expired', endReason: 'expired' },
      });
      expect(await store.queue()).toEqual([]);
      expect(await store.claim(b.conversationId, 'alice', 5000)).toEqual({ ok: false, why: 'ended' });
      // A new request after the end opens a new handoff.
      expect(await store.request({ ...b, requestedAt: 6000 })).toMatchObject({
        created: true,
        handoff: { state: 'pending', requestedAt: 6000 },
      });
    });

    it('keeps the last messages of a conversation, in order, with personal data masked', async () => {
      const store = await make();
      const { conversationId } = newHandoff();
      for (let i = 1; i <= 6; i++)
        await store.appendTranscript(conversationId, [{ from: i % 2 ? 'user' : 'bot', text: `m${i}`, at: i }]);
      await store.appendTranscript(conversationId, [
        { from: 'user', text: '我的手机 13812345678，身份证 11010519491231002X', at: 7 },
      ]);
      const kept = await store.transcript(conversationId);
      expect(kept.map((e) => e.text)).toEqual([
        'm3',
        'm4',
        'm5',
        'm6',
        '我的手机 138****5678，身份证 110105********002X',
      ]);
      expect(await store.transcript('web:nobody')).toEqual([]);
    });

    it('stores left messages once per id and satisfaction scores replaced per survey', async () => {
      const store = await make();
      const { conversationId, userId } = newHandoff();
      const id = `${conversationId}:m1`;
      const message = {
        id,
        conversationId,
        channel: 'web' as const,
        userId,
        kind: 'message' as const,
        text: 'please call',
        at: 5,
      };
      await store.leaveMessage(message);
      await store.leaveMessage({ ...message, text: 'again' });
      expect((await store.leftMessages()).filter((m) => m.id === id)).toEqual([message]);
      const surveyId = `${conversationId}:s1`;
      const score = {
        surveyId,
        conversationId,
        channel: 'web' as const,
        userId,
        subject: { kind: 'agent' as const, agent: 'alice' },
        score: 4,
        at: 6,
      };
      await store.recordSatisfaction(score);
      await store.recordSatisfaction({ ...score, comment: 'quick', at: 7 });
      expect((await store.satisfaction()).filter((r) => r.surveyId === surveyId)).toEqual([
        { ...score, comment: 'quick', at: 7 },
      ]);
    });

    it('counts an agent online within the presence window after a heartbeat, until offline', async () => {
      const store = await make();
      await store.heartbeat('alice', 10_000);
      await store.heartbeat('bob', 10_500);
      expect(await store.online(10_800)).toEqual(['alice', 'bob']);
      expect(await store.online(11_200)).toEqual(['bob']);
      await store.offline('bob');
      expect(await store.online(10_800)).toEqual(['alice']);
    });
  });
}
