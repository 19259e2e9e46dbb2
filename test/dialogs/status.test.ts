import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { formatCst } from '../../src/domain/sla-policy.js';
import type { Ticket, TicketStatus } from '../../src/domain/ticket.js';
import { HOUR, MONDAY_10, clockAt, kefuWith, submitApplication } from '../notify/helpers.js';

const clock = clockAt(MONDAY_10);
let kefu: Kefu;
beforeAll(async () => {
  kefu = await kefuWith(clock);
});
afterAll(async () => {
  await kefu.close();
});

let seq = 0;
async function say(userId: string, text: string, locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<string> {
  const res = await kefu.app.inject({
    method: 'POST',
    url: '/api/web/messages',
    payload: { userId, text, locale, messageId: `m${++seq}` },
  });
  expect(res.statusCode).toBe(200);
  return (res.json() as { replies: { text: string }[] }).replies.map((r) => r.text).join('\n');
}

const APPLICATION_PATHS: Record<string, TicketStatus[]> = {
  submitted: [],
  under_review: ['under_review'],
  approved: ['under_review', 'approved'],
  rejected: ['rejected'],
  active: ['under_review', 'approved', 'active'],
  closure_requested: ['under_review', 'approved', 'active', 'closure_requested'],
  closed: ['under_review', 'approved', 'active', 'closure_requested', 'closed'],
};
const FEEDBACK_PATHS: Record<string, TicketStatus[]> = {
  received: [],
  classified: ['classified'],
  in_progress: ['classified', 'in_progress'],
  replied: ['in_progress', 'replied'],
  closed: ['in_progress', 'replied', 'closed'],
  reopened: ['replied', 'reopened'],
};

const EXPECTED: Record<'zh-CN' | 'en', Record<string, string>> = {
  'zh-CN': {
    submitted: '已提交，等待审核',
    under_review: '审核中',
    approved: '审核通过，正在开通',
    rejected: '未通过审核',
    active: '已开通',
    closure_requested: '已申请关闭',
    closed: '已关闭',
    'fb.received': '已受理',
    'fb.classified': '已分派到处理部门',
    'fb.in_progress': '处理中',
    'fb.replied': '已答复',
    'fb.closed': '已办结',
    'fb.reopened': '重新处理中',
  },
  en: {
    submitted: 'submitted, waiting for review',
    under_review: 'under review',
    approved: 'approved, being activated',
    rejected: 'not approved',
    active: 'Status: active',
    closure_requested: 'closure requested',
    closed: 'Status: closed',
    'fb.received': 'Status: received',
    'fb.classified': 'assigned to the responsible department',
    'fb.in_progress': 'being handled',
    'fb.replied': 'Status: answered',
    'fb.closed': 'Status: closed',
    'fb.reopened': 'being handled again',
  },
};

async function walk(t: Ticket, path: TicketStatus[]): Promise<void> {
  for (const to of path) {
    clock.t += HOUR;
    await kefu.tickets.transition(t.number, to, 'admin:test', clock.t);
  }
}

function feedbackTicket(userId: string): Promise<Ticket> {
  return kefu.tickets.create(
    {
      kind: 'feedback',
      channel: 'web',
      userId,
      conversationId: `web:${userId}`,
      locale: 'zh-CN',
      feedback: {
        type: 'complaint',
        category: 'network',
        urgency: 'routine',
        description: '信号差',
        department: '网络部',
        explanation: ['信号'],
      },
    },
    clock.t,
    `fb:${userId}`,
  );
}

describe.each(['zh-CN', 'en'] as const)('status answers in %s', (locale) => {
  it.each(Object.entries(APPLICATION_PATHS))('application %s: status, history, next step', async (state, path) => {
    const user = `st-${locale}-${state}`;
    const t = await submitApplication(kefu, user, clock.t);
    await walk(t, path);
    const text = await say(user, locale === 'en' ? `check ${t.number}` : `查一下${t.number}`, locale);
    expect(text).toContain(t.number);
    expect(text).toContain(EXPECTED[locale][state]);
    // The history has one line per change, with the submission first.
    expect(text.match(/· \d\d-\d\d \d\d:\d\d/g)?.length).toBe(Math.min(path.length + 1, 4));
    if (state === 'submitted') {
      const due = formatCst(t.deadlines.review!);
      expect(text).toContain(locale === 'en' ? `by ${due} (Beijing time)` : `${due}（北京时间）前`);
    }
  });

  it.each(Object.entries(FEEDBACK_PATHS))('feedback %s', async (state, path) => {
    const user = `fb-${locale}-${state}`;
    const t = await feedbackTicket(user);
    await walk(t, path);
    const text = await say(
      user,
      locale === 'en' ? `what is the status of ${t.number}` : `${t.number}进度怎么样`,
      locale,
    );
    expect(text).toContain(t.number);
    expect(text).toContain(EXPECTED[locale][`fb.${state}`]);
  });
});

describe('who may see a ticket', () => {
  it("another person's ticket is answered like an unknown one, revealing nothing", async () => {
    const t = await submitApplication(kefu, 'owner-1', clock.t);
    const theirs = await say('stranger-1', `查一下${t.number}`);
    const unknown = await say('stranger-2', '查一下YD261101999999');
    expect(theirs).not.toContain('审核');
    expect(theirs).not.toContain('深圳');
    expect(theirs.replace(t.number, '#')).toBe(unknown.replace('YD261101999999', '#'));
    expect(theirs).toContain('没有查到与您匹配的这个工单');
  });

  it('"my applications" lists the tickets of this channel identity', async () => {
    const t = await submitApplication(kefu, 'mine-1', clock.t);
    const text = await say('mine-1', '我的申请办到哪一步了');
    expect(text).toContain(t.number);
    expect(text).toContain('等待审核');
  });

  it('by mobile number plus the last 6 of the ID number; a wrong check reveals nothing', async () => {
    const t = await submitApplication(kefu, 'phone-owner', clock.t);
    expect(await say('phone-asker', '查询办理进度')).toContain('手机号码');
    expect(await say('phone-asker', '13800138000')).toContain('后 6 位');
    const wrong = await say('phone-asker', '123456');
    expect(wrong).toContain('没有查到与该手机号码和身份信息匹配的申请');
    expect(wrong).not.toContain(t.number);
    await say('phone-asker', '查询办理进度');
    await say('phone-asker', '13800138000');
    const right = await say('phone-asker', '31002X');
    expect(right).toContain(t.number);
  });
});

describe('business hours', () => {
  it('answers for the city in the message: 24 h online and phone, and the halls of that city', async () => {
    const text = await say('hours-1', '深圳的营业厅几点开门');
    expect(text).toContain('7×24');
    expect(text).toContain('福田区深南中路营业厅');
    expect(text).toContain('09:00-18:00');
  });

  it('asks for the city when it is unknown, then answers; in English with the English city name', async () => {
    expect(await say('hours-2', '营业厅几点开门')).toContain('哪个城市');
    const text = await say('hours-2', '上海');
    expect(text).toContain('陆家嘴营业厅');
    expect(await say('hours-3', 'What are the opening hours of the business hall?', 'en')).toContain('Which city');
    expect(await say('hours-3', 'Beijing', 'en')).toContain('Business halls in Beijing');
  });
});
