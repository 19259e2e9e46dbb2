import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Ticket } from '../../src/domain/ticket.js';
import type { Kefu } from '../../src/main.js';
import { TestClock, testKefu, uniqueUser } from '../support/kefu.js';

const TOKEN = 'feedback-admin-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const HOUR = 3_600_000;

type Reply = { text: string; quickReplies?: string[]; buttons?: { label: string; value: string }[] };

describe('feedback over HTTP with Redis: complaint -> FK ticket -> staff reply -> survey', () => {
  let kefu: Kefu;
  const clock = new TestClock();
  beforeAll(async () => {
    kefu = await testKefu({ REDIS_URL: inject('redisUrl'), ADMIN_TOKEN: TOKEN }, { clock });
  });
  afterAll(async () => kefu.close());

  const say = async (userId: string, text: string, locale = 'zh-CN'): Promise<Reply[]> => {
    const res = await kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: { userId, text, locale } });
    expect(res.statusCode, text).toBe(200);
    return (res.json() as { replies: Reply[] }).replies;
  };
  const outbox = async (userId: string): Promise<Reply[]> => {
    const res = await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${encodeURIComponent(userId)}` });
    expect(res.statusCode).toBe(200);
    return (res.json() as { messages: Reply[] }).messages;
  };
  const ticket = async (number: string): Promise<Ticket> => {
    const res = await kefu.app.inject({ method: 'GET', url: `/api/admin/tickets/${number}`, headers: auth });
    expect(res.statusCode).toBe(200);
    return (res.json() as { ticket: Ticket }).ticket;
  };
  const staffReply = (number: string, text: string) =>
    kefu.app.inject({ method: 'POST', url: `/api/admin/tickets/${number}/reply`, headers: auth, payload: { text } });

  /** A routine billing complaint filed through web chat; its FK number. */
  async function complain(userId: string, locale = 'zh-CN'): Promise<string> {
    const first =
      locale === 'en'
        ? await say(userId, 'I want to complain, I was charged twice on my bill', 'en')
        : await say(userId, '上个月话费多扣了50元');
    expect(first.at(-1)?.text).toMatch(locale === 'en' ? /mobile number/ : /手机号码/);
    const created = await say(userId, '13812345678', locale);
    const number = /FK\d{12}/.exec(created.map((r) => r.text).join('\n'))?.[0] ?? '';
    expect(number).toMatch(/^FK\d{12}$/);
    return number;
  }

  it('a routine complaint becomes a classified FK ticket with department and a 24 h reply due', async () => {
    const userId = uniqueUser('fkh');
    const at = clock.now();
    const number = await complain(userId);
    const t = await ticket(number);
    expect(t).toMatchObject({ kind: 'feedback', status: 'classified', channel: 'web', userId });
    expect(t.feedback).toMatchObject({
      type: 'complaint',
      category: 'billing',
      urgency: 'routine',
      department: 'billing_center',
      phone: '13812345678',
    });
    expect(t.deadlines.reply).toBe(at + 24 * HOUR);
    const list = await kefu.app.inject({
      method: 'GET',
      url: '/api/admin/tickets?kind=feedback&status=classified',
      headers: auth,
    });
    expect((list.json() as { tickets: Ticket[] }).tickets.map((x) => x.number)).toContain(number);
  });

  it('staff reply reaches the outbox, the survey follows, a score of 5 is stored; the ticket stays replied', async () => {
    const userId = uniqueUser('fkh');
    const number = await complain(userId);
    clock.advance(2 * HOUR);
    const res = await staffReply(number, '经核实已退还多扣的50元，给您带来不便深表歉意。');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      notified: true,
      ticket: { status: 'replied', feedback: { reply: { text: '经核实已退还多扣的50元，给您带来不便深表歉意。' } } },
    });

    const messages = await outbox(userId);
    const replyAt = messages.findIndex((m) => m.text.includes('已退还多扣的50元'));
    expect(replyAt).toBeGreaterThan(-1);
    expect(messages[replyAt]?.text).toContain(number);
    const survey = messages[replyAt + 1];
    expect(survey?.text).toContain(number);
    expect(survey?.buttons?.map((q) => q.value)).toEqual(['5', '4', '3', '2', '1']);
    expect(survey?.quickReplies?.[0]).toMatch(/^5/);

    expect((await say(userId, '5')).map((r) => r.text).join()).toMatch(/感谢您的评分/);
    await say(userId, '跳过');
    const t = await ticket(number);
    expect(t.status).toBe('replied');
    expect(t.feedback?.satisfaction).toMatchObject({ score: 5, at: clock.now() });
    // Scores are also kept for reporting with the other surveys.
    const records = await kefu.handoff.d.store.satisfaction();
    expect(records.find((r) => r.subject.kind === 'ticket' && r.subject.number === number)?.score).toBe(5);
  });

  it('a score of 1 reopens the ticket for a supervisor, with the comment kept (en)', async () => {
    const userId = uniqueUser('fkh');
    const number = await complain(userId, 'en');
    const res = await staffReply(number, 'We refunded the double charge.');
    expect(res.statusCode).toBe(200);
    const messages = await outbox(userId);
    expect(messages.some((m) => m.text.includes('We refunded the double charge.'))).toBe(true);
    expect(messages.at(-1)?.text).toMatch(/How would you rate it/);

    const scored = await say(userId, '1', 'en');
    expect(scored.map((r) => r.text).join()).toMatch(/Anything else/);
    let t = await ticket(number);
    expect(t.status).toBe('reopened');
    expect(t.history.at(-1)).toMatchObject({ from: 'replied', to: 'reopened' });
    expect(t.history.at(-1)?.note).toMatch(/supervisor/);
    expect(t.feedback?.satisfaction?.score).toBe(1);

    await say(userId, 'The money is still not back', 'en');
    t = await ticket(number);
    expect(t.feedback?.satisfaction).toMatchObject({ score: 1, comment: 'The money is still not back' });
    const reopened = await kefu.app.inject({
      method: 'GET',
      url: '/api/admin/tickets?kind=feedback&status=reopened',
      headers: auth,
    });
    expect((reopened.json() as { tickets: Ticket[] }).tickets.map((x) => x.number)).toContain(number);
  });

  it('refuses a reply to an unknown ticket (404), an empty text (400) and an application ticket (409)', async () => {
    expect((await staffReply('FK261125999999', 'hi')).statusCode).toBe(404);
    const userId = uniqueUser('fkh');
    const number = await complain(userId);
    const empty = await staffReply(number, '  ');
    expect(empty.statusCode).toBe(400);
    const app = await kefu.tickets.create(
      {
        kind: 'application',
        channel: 'web',
        userId,
        conversationId: `web:${userId}`,
        locale: 'zh-CN',
      },
      clock.now(),
      `fk-test-${userId}`,
    );
    expect((await staffReply(app.number, 'hi')).statusCode).toBe(409);
  });
});
