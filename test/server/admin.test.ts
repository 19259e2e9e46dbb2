import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import type { Kefu } from '../../src/main.js';
import { testKefu, uniqueUser } from '../support/kefu.js';

const TOKEN = 'admin-secret-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const ID = '11010519491231002X';
const ID2 = '44030519900101123X';
const CREDIT = '91350100M000100Y43';

type Reply = { text: string };
async function chat(kefu: Kefu, userId: string, lines: string[], locale = 'zh-CN'): Promise<Reply[][]> {
  const out: Reply[][] = [];
  for (const text of lines) {
    const res = await kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: { userId, text, locale } });
    expect(res.statusCode, text).toBe(200);
    out.push((res.json() as { replies: Reply[] }).replies);
  }
  return out;
}
const numberIn = (replies: Reply[][]): string =>
  /YD\d{12}/.exec(
    replies
      .flat()
      .map((r) => r.text)
      .join('\n'),
  )?.[0] ?? '';

const PERSONAL = [`我要申请异地服务，个人，身份证${ID}，手机13812345678，地址北京市朝阳区建国路88号`, '张三', '同意'];
const ENTERPRISE = [
  '申请异地服务',
  `企业，公司名称深圳市腾飞科技有限公司，信用代码${CREDIT}，法人身份证${ID}，经办人李四，身份证${ID2}，手机13912345678，地址广东省深圳市南山区科技园1号`,
  '同意',
];

describe('admin API with Redis', () => {
  let kefu: Kefu;
  beforeAll(async () => {
    kefu = await testKefu({ REDIS_URL: inject('redisUrl'), ADMIN_TOKEN: TOKEN });
  });
  afterAll(async () => kefu.close());

  it('refuses without the bearer token or with a wrong one (401, coded)', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: TOKEN }]) {
      const res = await kefu.app.inject({ method: 'GET', url: '/api/admin/stats', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'KEFU_UNAUTHORIZED' } });
    }
  });

  it.each([
    ['personal', PERSONAL],
    ['enterprise', ENTERPRISE],
  ])('a %s application through web chat ends with a YD ticket the admin API returns', async (userType, lines) => {
    const userId = uniqueUser(userType);
    const number = numberIn(await chat(kefu, userId, lines));
    expect(number).toMatch(/^YD\d{12}$/);
    const res = await kefu.app.inject({ method: 'GET', url: `/api/admin/tickets/${number}`, headers: auth });
    expect(res.statusCode).toBe(200);
    const { ticket } = res.json() as {
      ticket: { status: string; userId: string; channel: string; application: { userType: string } };
    };
    expect(ticket).toMatchObject({ status: 'submitted', userId, channel: 'web', application: { userType } });
    const list = await kefu.app.inject({
      method: 'GET',
      url: '/api/admin/tickets?kind=application&status=submitted',
      headers: auth,
    });
    expect((list.json() as { tickets: { number: string }[] }).tickets.map((t) => t.number)).toContain(number);
  });

  it('approving through the admin API puts a notice naming the ticket in the web outbox; approved -> closed is 409', async () => {
    const userId = uniqueUser('approve');
    const number = numberIn(await chat(kefu, userId, PERSONAL));
    const status = (body: object) =>
      kefu.app.inject({ method: 'POST', url: `/api/admin/tickets/${number}/status`, headers: auth, payload: body });
    expect((await status({ status: 'under_review' })).statusCode).toBe(200);
    const approved = await status({ status: 'approved', note: '材料齐全' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ ticket: { status: 'approved' }, notified: true });

    const outbox = await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${userId}` });
    const texts = (outbox.json() as { messages: Reply[] }).messages.map((m) => m.text);
    expect(texts.some((t) => t.includes(number) && t.includes('审核通过'))).toBe(true);

    const illegal = await status({ status: 'closed' });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json()).toMatchObject({ error: { code: 'KEFU_ILLEGAL_TRANSITION' } });
    const history = (
      (await kefu.app.inject({ method: 'GET', url: `/api/admin/tickets/${number}`, headers: auth })).json() as {
        ticket: { status: string; history: { to: string; by: string; note?: string }[] };
      }
    ).ticket;
    expect(history.status).toBe('approved');
    expect(history.history.map((h) => h.to)).toEqual(['submitted', 'under_review', 'approved']);
    expect(history.history[2]).toMatchObject({ by: 'admin', note: '材料齐全' });
  });

  it('a rejection needs a reason, which reaches the user in their language', async () => {
    const userId = uniqueUser('reject');
    const number = numberIn(
      await chat(
        kefu,
        userId,
        [
          `apply for cross-region service: personal; name: Li Lei; ID ${ID}; mobile 13812345678; address: 8 Renmin Road, Futian District, Shenzhen, Guangdong`,
          'agree',
        ],
        'en',
      ),
    );
    const post = (body: object) =>
      kefu.app.inject({ method: 'POST', url: `/api/admin/tickets/${number}/status`, headers: auth, payload: body });
    expect((await post({ status: 'rejected' })).statusCode).toBe(400);
    expect((await post({ status: 'rejected', note: 'ID photo unreadable' })).statusCode).toBe(200);
    const texts = (
      (await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${userId}` })).json() as {
        messages: Reply[];
      }
    ).messages.map((m) => m.text);
    expect(texts.some((t) => t.includes(number) && t.includes('not approved'))).toBe(true);
    expect(texts).toContain('Note: ID photo unreadable');
  });

  it('unknown tickets are 404, bad bodies 400, and stats count by kind and status', async () => {
    const unknown = await kefu.app.inject({ method: 'GET', url: '/api/admin/tickets/YD200101999999', headers: auth });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'KEFU_UNKNOWN_TICKET' } });
    const bad = await kefu.app.inject({
      method: 'POST',
      url: '/api/admin/tickets/YD200101999999/status',
      headers: auth,
      payload: { status: 'flying' },
    });
    expect(bad.statusCode).toBe(400);
    const stats = await kefu.app.inject({ method: 'GET', url: '/api/admin/stats', headers: auth });
    const counts = (stats.json() as { tickets: { application: Record<string, number> } }).tickets.application;
    expect((counts.submitted ?? 0) + (counts.approved ?? 0)).toBeGreaterThanOrEqual(2);
  });
});

describe('admin API without ADMIN_TOKEN', () => {
  it('answers 401 to everything', async () => {
    const kefu = await testKefu();
    try {
      const res = await kefu.app.inject({
        method: 'GET',
        url: '/api/admin/tickets',
        headers: { authorization: 'Bearer ' },
      });
      expect(res.statusCode).toBe(401);
    } finally {
      await kefu.close();
    }
  });
});

describe('personal data in logs', () => {
  it('no whole ID number, phone or credit code appears in any log line during whole applications', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) });
    const kefu = await testKefu({ ADMIN_TOKEN: TOKEN }, { logger: createLogger('trace', sink) });
    try {
      const number = numberIn(await chat(kefu, uniqueUser('log'), PERSONAL));
      await chat(kefu, uniqueUser('log'), ENTERPRISE);
      await kefu.app.inject({
        method: 'POST',
        url: `/api/admin/tickets/${number}/status`,
        headers: auth,
        payload: { status: 'under_review' },
      });
    } finally {
      await kefu.close();
    }
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [ID, ID2, CREDIT, '13812345678', '13912345678']) expect(log).not.toContain(secret);
    expect(log).not.toContain(TOKEN);
  });
});
