import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage, Locale } from '../../src/core/message.js';
import { DEFAULT_DEPARTMENTS } from '../../src/domain/departments.js';
import { formatCst } from '../../src/domain/sla-policy.js';
import type { Ticket } from '../../src/domain/ticket.js';
import type { Kefu } from '../../src/main.js';
import { TestClock, testKefu, uniqueUser } from '../support/kefu.js';

let kefu: Kefu | undefined;
afterEach(async () => {
  await kefu?.close();
  kefu = undefined;
});

const HOUR = 3_600_000;
let n = 0;
const message = (userId: string, text: string, locale?: Locale): InboundMessage => ({
  channel: 'web',
  userId,
  conversationId: `web:${userId}`,
  messageId: `fb${++n}`,
  text,
  receivedAt: 0,
  ...(locale ? { locale } : {}),
});

/** One row: the user says `say`, the bot answers with these message keys in order (`handoff.*` = any handoff key). */
interface Row {
  say: string;
  keys: string[];
}
interface Transcript {
  name: string;
  locale: Locale;
  rows: Row[];
  ticket: Partial<
    Pick<
      NonNullable<Ticket['feedback']>,
      'type' | 'category' | 'urgency' | 'phone' | 'location' | 'relatedTicket' | 'agentPraised'
    >
  >;
  /** Hours from submission to the promised reply (SLA policy defaults). */
  dueHours: number;
  /** The conversation went to the agent queue with this reason. */
  handoff?: string;
}

const transcripts: Transcript[] = [
  {
    name: 'urgent complaint (zh-CN): ticket at once, then straight to a human',
    locale: 'zh-CN',
    rows: [{ say: '我的手机打不了电话了，急死了', keys: ['feedback.urgent', 'handoff.*'] }],
    ticket: { type: 'complaint', category: 'network_signal', urgency: 'urgent' },
    dueHours: 1,
    handoff: 'urgent_complaint',
  },
  {
    name: 'routine billing complaint (zh-CN): only the contact number is asked',
    locale: 'zh-CN',
    rows: [
      { say: '上个月话费多扣了50元', keys: ['feedback.askPhone'] },
      { say: '我的号码是 138-1234-5678', keys: ['feedback.created'] },
    ],
    ticket: { type: 'complaint', category: 'billing', urgency: 'routine', phone: '13812345678' },
    dueHours: 24,
  },
  {
    name: 'complex network complaint (zh-CN): location and number asked, 72 h',
    locale: 'zh-CN',
    rows: [
      { say: '家里信号很差，反映了好几次都没解决', keys: ['feedback.askLocation'] },
      { say: '广东省深圳市南山区科技园', keys: ['feedback.askPhone'] },
      { say: '这不是号码', keys: ['feedback.phoneInvalid'] },
      { say: '13912345678', keys: ['feedback.created'] },
    ],
    ticket: { category: 'network_signal', urgency: 'complex', location: '广东省深圳市南山区科技园' },
    dueHours: 72,
  },
  {
    name: 'complaint from the menu (zh-CN): description, related ticket (none), number',
    locale: 'zh-CN',
    rows: [
      { say: '投诉', keys: ['feedback.askDescription'] },
      { say: '宽带安装师傅说好昨天上门，结果没来', keys: ['feedback.askRelated'] },
      { say: 'feedback:none', keys: ['feedback.askPhone'] },
      { say: '13700001111', keys: ['feedback.created'] },
    ],
    ticket: { category: 'broadband_installation', urgency: 'routine' },
    dueHours: 24,
  },
  {
    name: 'suggestion (zh-CN): acknowledged and stored',
    locale: 'zh-CN',
    rows: [
      { say: '我想提个建议', keys: ['feedback.askSuggestion'] },
      { say: '建议营业厅周末也开门', keys: ['feedback.thanksSuggestion', 'menu.prompt'] },
    ],
    ticket: { type: 'suggestion', urgency: 'routine' },
    dueHours: 24,
  },
  {
    name: 'praise naming an agent (zh-CN)',
    locale: 'zh-CN',
    rows: [{ say: '表扬一下客服小王，服务很耐心', keys: ['feedback.thanksPraise', 'menu.prompt'] }],
    ticket: { type: 'praise', agentPraised: '小王' },
    dueHours: 24,
  },
  {
    name: 'urgent complaint (en)',
    locale: 'en',
    rows: [
      { say: 'I want to complain: my phone cannot make calls, it is urgent', keys: ['feedback.urgent', 'handoff.*'] },
    ],
    ticket: { category: 'network_signal', urgency: 'urgent' },
    dueHours: 1,
    handoff: 'urgent_complaint',
  },
  {
    name: 'routine complaint (en)',
    locale: 'en',
    rows: [
      { say: 'I want to complain', keys: ['feedback.askDescription'] },
      { say: 'I was charged twice on my bill', keys: ['feedback.askPhone'] },
      { say: '+86 138 0000 1234', keys: ['feedback.created'] },
    ],
    ticket: { category: 'billing', urgency: 'routine', phone: '13800001234' },
    dueHours: 24,
  },
  {
    name: 'complex complaint with the related ticket (en)',
    locale: 'en',
    rows: [
      {
        say: 'I want to complain, the broadband installation failed again, several times now',
        keys: ['feedback.askRelated'],
      },
      { say: 'YD261125000042', keys: ['feedback.askPhone'] },
      { say: '13800001234', keys: ['feedback.created'] },
    ],
    ticket: { category: 'broadband_installation', urgency: 'complex', relatedTicket: 'YD261125000042' },
    dueHours: 72,
  },
  {
    name: 'suggestion (en)',
    locale: 'en',
    rows: [
      { say: 'I have a suggestion', keys: ['feedback.askSuggestion'] },
      {
        say: 'Longer opening hours at weekends would help people who work',
        keys: ['feedback.thanksSuggestion', 'menu.prompt'],
      },
    ],
    ticket: { type: 'suggestion' },
    dueHours: 24,
  },
];

describe('feedback transcripts (zh-CN and en)', () => {
  for (const t of transcripts) {
    it(t.name, async () => {
      const clock = new TestClock();
      kefu = await testKefu({}, { clock });
      const user = uniqueUser('fb');
      const submittedAt = clock.now();
      let last: string[] = [];
      for (const row of t.rows) {
        const result = await kefu.runtime.handle(message(user, row.say, t.locale));
        const keys = result.replies.map((r) => r.key);
        expect(
          keys.map((k, i) => (row.keys[i] === 'handoff.*' && k.startsWith('handoff.') ? 'handoff.*' : k)),
          `after "${row.say}"`,
        ).toEqual(row.keys);
        last = result.replies.map((r) => r.text);
      }
      const [ticket, ...more] = await kefu.tickets.listByUser('web', user);
      expect(more).toHaveLength(0);
      expect(ticket?.kind).toBe('feedback');
      expect(ticket?.number).toMatch(/^FK\d{12}$/);
      expect(ticket?.status).toBe('classified');
      expect(ticket?.feedback).toMatchObject(t.ticket);
      expect(ticket?.feedback?.department).toBe(
        DEFAULT_DEPARTMENTS[ticket!.feedback!.category as keyof typeof DEFAULT_DEPARTMENTS],
      );
      expect(ticket?.feedback?.explanation.length).toBeGreaterThan(0);
      // Due times follow the SLA policy: urgent 1 h, routine 24 h, complex 72 h (calendar hours).
      expect(ticket?.deadlines.reply).toBe(submittedAt + t.dueHours * HOUR);
      // The user is told the number, and for a complaint the promised time, in their language.
      expect(last.join('\n')).toContain(ticket!.number);
      if (t.rows.at(-1)?.keys[0] === 'feedback.created') {
        expect(last[0]).toContain(formatCst(submittedAt + t.dueHours * HOUR));
        expect(last[0]).toMatch(t.locale === 'en' ? /reply by/ : /前答复您/);
      }
      if (t.handoff) expect((await kefu.handoff.d.store.get(`web:${user}`))?.reason).toBe(t.handoff);
    });
  }
});

describe('staff reply and satisfaction survey in the conversation', () => {
  async function complaint(clock: TestClock) {
    kefu = await testKefu({}, { clock });
    const user = uniqueUser('fbs');
    await kefu.runtime.handle(message(user, '上个月话费多扣了50元，号码13812345678'));
    const [ticket] = await kefu.tickets.listByUser('web', user);
    const target = { conversationId: `web:${user}`, channel: 'web' as const, userId: user };
    return { k: kefu, user, ticket: ticket!, target };
  }

  it('a staff reply is told, then 1-5 and a comment are asked; a low score reopens the ticket', async () => {
    const clock = new TestClock();
    const { k, user, ticket, target } = await complaint(clock);
    await k.tickets.transition(ticket.number, 'replied', 'admin', clock.now());
    clock.advance(HOUR);
    const told = await k.runtime.dispatch(
      target,
      { type: 'ticket.replied', number: ticket.number, text: '已退还50元', at: clock.now() },
      'r1',
    );
    expect(told.map((r) => r.key)).toEqual(['feedback.staffReply', 'survey.askTicket']);
    expect(told[0]?.text).toContain('已退还50元');
    expect(told[1]?.quickReplies?.map((q) => q.value)).toEqual(['5', '4', '3', '2', '1']);

    const scored = await k.runtime.handle(message(user, '1'));
    expect(scored.replies.map((r) => r.key)).toEqual(['survey.askComment']);
    let stored = await k.tickets.get(ticket.number);
    expect(stored?.feedback?.satisfaction?.score).toBe(1);
    expect(stored?.status).toBe('reopened');
    expect(stored?.history.at(-1)?.note).toMatch(/supervisor/);

    const commented = await k.runtime.handle(message(user, '处理太慢了'));
    expect(commented.replies.map((r) => r.key)).toEqual(['survey.thanks']);
    stored = await k.tickets.get(ticket.number);
    expect(stored?.feedback?.satisfaction).toMatchObject({ score: 1, comment: '处理太慢了' });
    // The comment does not reopen it a second time.
    expect(stored?.history.filter((h) => h.to === 'reopened')).toHaveLength(1);
  });

  it('a good score is stored and does not reopen', async () => {
    const clock = new TestClock();
    const { k, user, ticket, target } = await complaint(clock);
    await k.tickets.transition(ticket.number, 'replied', 'admin', clock.now());
    await k.runtime.dispatch(
      target,
      { type: 'ticket.replied', number: ticket.number, text: 'ok', at: clock.now() },
      'r2',
    );
    await k.runtime.handle(message(user, '5'));
    await k.runtime.handle(message(user, '跳过'));
    const stored = await k.tickets.get(ticket.number);
    expect(stored?.status).toBe('replied');
    expect(stored?.feedback?.satisfaction?.score).toBe(5);
  });

  it('an unanswered survey goes quietly: the next unrelated words are answered as usual', async () => {
    const clock = new TestClock();
    const { k, user, ticket, target } = await complaint(clock);
    await k.runtime.dispatch(
      target,
      { type: 'ticket.replied', number: ticket.number, text: 'ok', at: clock.now() },
      'r3',
    );
    const next = await k.runtime.handle(message(user, '需要准备什么材料'));
    expect(next.replies.map((r) => r.key)).toEqual(['info.materials', 'menu.prompt']);
    expect((await k.tickets.get(ticket.number))?.feedback?.satisfaction).toBeUndefined();
  });

  it('a reply arriving in the middle of another flow is told without interrupting it', async () => {
    const clock = new TestClock();
    const { k, user, ticket, target } = await complaint(clock);
    const asked = await k.runtime.handle(message(user, '投诉'));
    expect(asked.replies.map((r) => r.key)).toEqual(['feedback.askDescription']);
    const told = await k.runtime.dispatch(
      target,
      { type: 'ticket.replied', number: ticket.number, text: 'ok', at: clock.now() },
      'r4',
    );
    expect(told.map((r) => r.key)).toEqual(['feedback.staffReply']);
    const answered = await k.runtime.handle(message(user, '营业厅工作人员态度很差'));
    expect(answered.replies.map((r) => r.key)).toEqual(['feedback.askPhone']);
  });
});
