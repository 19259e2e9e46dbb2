import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { EFFECT_TYPES } from '../../src/core/effect.js';
import type { ConversationEvent, ConversationInput } from '../../src/core/event.js';
import { createRecognizer } from '../../src/nlu/index.js';
import {
  expectationOf,
  persist,
  storedSnapshot,
  restoreConversation,
  startConversation,
  step,
  CONVERSATION_MACHINE_VERSION,
  type ConversationSnapshot,
  type KnownContext,
} from '../../src/runtime/machine-step.js';
import { conversationMachine } from '../../dialogs/conversation.js';

const effectTypes = new Set<string>(EFFECT_TYPES);
const effectsOf = (actions: readonly { type: string; params?: unknown }[]) =>
  actions.filter((a) => effectTypes.has(a.type)).map((a) => ({ type: a.type, params: a.params }));

const recognizer = createRecognizer();
const AT = Date.UTC(2026, 10, 25, 2, 0, 0);

/** The user's words as the runtime would send them, understood with what the machine expects. */
async function said(snapshot: ConversationSnapshot, text: string): Promise<ConversationEvent> {
  const expecting = expectationOf(snapshot);
  const understanding = await recognizer.understand(text, {
    ...(expecting ? { expecting } : {}),
    locale: snapshot.context.locale,
  });
  return { type: 'user.said', text, understanding, at: AT };
}

const conversations: { input: ConversationInput; says: string[] }[] = [
  {
    input: { channel: 'web', userId: 'a', locale: 'zh-CN' },
    says: [
      '你好',
      '申请异地服务',
      '个人',
      '张三',
      '11010519491231002X',
      '13812345678',
      '北京市朝阳区建国路88号',
      '同意',
    ],
  },
  {
    input: { channel: 'sms', userId: 'b', locale: 'en' },
    says: ['hello', 'what documents do I need?', 'service hours', 'Shanghai', '说中文', '投诉信号差', '转人工'],
  },
  {
    input: { channel: 'line', userId: 'c', locale: 'zh-TW' },
    says: ['請問需要帶哪些證件', '查询工单 YD261125000001', '今天天气怎么样', '给我讲个笑话', '取消', '删除我的信息'],
  },
];

describe('machine step', () => {
  it("gives exactly xstate's own transition(): same snapshots, same effects, turn after turn", async () => {
    const seen = new Set<string>();
    for (const c of conversations) {
      const [initial, initialActions] = initialTransition(conversationMachine, c.input);
      const started = startConversation(c.input);
      expect(persist(started.snapshot)).toEqual(persist(initial));
      expect(started.effects).toEqual(effectsOf(initialActions));
      let snapshot = started.snapshot;
      for (const text of c.says) {
        const events = [await said(snapshot, text)];
        while (events.length > 0) {
          const event = events.shift()!;
          const [expected, actions] = transition(conversationMachine, snapshot, event);
          const next = step(snapshot, event);
          // Stored exactly as xstate would store it, key for key and in the same order.
          const stored = conversationMachine.getPersistedSnapshot(expected);
          expect(persist(next.snapshot), `after ${JSON.stringify(text)}`).toStrictEqual(stored);
          expect(JSON.stringify(persist(next.snapshot))).toBe(JSON.stringify(stored));
          expect(next.effects, `after ${JSON.stringify(text)}`).toEqual(effectsOf(actions));
          expect(expectationOf(next.snapshot)).toEqual(expectationOf(expected));
          // A created ticket comes back as the runtime's follow-up event.
          for (const e of next.effects) {
            seen.add(e.type);
            if (e.type === 'createTicket') events.push({ type: 'ticket.created', number: 'YD261125000001', at: AT });
          }
          // Through the store (its shorter form) and back, as between turns: the same snapshot.
          const kept = JSON.stringify(storedSnapshot(next.snapshot));
          expect(kept.length).toBeLessThan(JSON.stringify(stored).length);
          snapshot = restoreConversation(JSON.parse(kept), CONVERSATION_MACHINE_VERSION)!;
          expect(snapshot).toBeDefined();
          expect(persist(snapshot)).toStrictEqual(stored);
          // Without what the record says anyway (conversation id, locale): still the same snapshot.
          const known = {
            conversationId: `${c.input.channel}:${c.input.userId}`,
            locale: next.snapshot.context.locale,
          };
          const lean = JSON.parse(JSON.stringify(storedSnapshot(next.snapshot, known))) as { context: object };
          expect(Object.keys(lean.context).filter((k) => ['channel', 'userId', 'locale'].includes(k))).toEqual([]);
          expect(persist(restoreConversation(lean, CONVERSATION_MACHINE_VERSION, known)!)).toStrictEqual(stored);
          // Where the record says otherwise (another conversation id, another locale) the context keeps its own.
          const other: KnownContext = {
            conversationId: 'web:someone-else',
            locale: known.locale === 'en' ? 'zh-CN' : 'en',
          };
          const kept2 = JSON.parse(JSON.stringify(storedSnapshot(next.snapshot, other))) as { context: object };
          expect(persist(restoreConversation(kept2, CONVERSATION_MACHINE_VERSION, other)!)).toStrictEqual(stored);
          // Sessions stored before the shorter form read the same.
          const full = restoreConversation(JSON.parse(JSON.stringify(stored)), CONVERSATION_MACHINE_VERSION)!;
          expect(persist(full)).toStrictEqual(stored);
        }
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining(['reply', 'createTicket', 'lookup', 'rememberLocale']));
  });

  it('leaves the snapshot it steps from as it was, so the same step twice gives the same answer', async () => {
    const { snapshot } = startConversation({ channel: 'web', userId: 'd', locale: 'zh-CN' });
    const before = JSON.stringify(persist(snapshot));
    const event = await said(snapshot, '申请异地服务');
    const first = step(snapshot, event);
    const second = step(snapshot, event);
    expect(JSON.stringify(persist(snapshot))).toBe(before);
    expect(persist(second.snapshot)).toEqual(persist(first.snapshot));
    expect(second.effects).toEqual(first.effects);
  });
});
