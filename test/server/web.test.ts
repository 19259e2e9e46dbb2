import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kefu } from '../../src/main.js';
import { testKefu, uniqueUser } from '../support/kefu.js';

let kefu: Kefu;
beforeAll(async () => {
  kefu = await testKefu();
});
afterAll(async () => kefu.close());

const post = (payload: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: payload as string, headers });

describe('web chat HTTP contract', () => {
  it('answers "你好" with the welcome and the menu as quick replies', async () => {
    const res = await post({ userId: uniqueUser(), text: '你好' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { replies: { text: string; quickReplies?: string[]; buttons?: { value: string }[] }[] };
    expect(body.replies[0]?.text).toContain('欢迎');
    expect(body.replies[1]?.quickReplies).toContain('申请异地服务');
    expect(body.replies[1]?.buttons?.[0]?.value).toBe('intent:apply');
  });

  it('understands a pressed button by its value', async () => {
    const res = await post({ userId: uniqueUser(), text: '所需材料', postback: 'intent:materials' });
    expect(res.json().replies[0].text).toContain('营业执照');
  });

  it('keeps everything sent in the outbox, oldest first, with times', async () => {
    const userId = uniqueUser();
    await post({ userId, text: '你好' });
    await post({ userId, text: 'English please' });
    const res = await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${userId}` });
    expect(res.statusCode).toBe(200);
    const { messages } = res.json() as { messages: { text: string; at: string }[] };
    expect(messages).toHaveLength(4);
    expect(messages[0]?.text).toContain('欢迎');
    expect(messages[2]?.text).toMatch(/English/);
    expect(Number.isNaN(Date.parse(messages[0]!.at))).toBe(false);
  });

  it.each([
    ['no body', undefined],
    ['not JSON', '{"userId":'],
    ['missing text', { userId: 'x' }],
    ['missing userId', { text: 'hi' }],
    ['userId with spaces', { userId: 'a b', text: 'hi' }],
    ['text not a string', { userId: 'x', text: 42 }],
  ])('refuses %s with 400 and a coded error', async (_name, payload) => {
    const res = await post(
      payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('KEFU_BAD_REQUEST');
  });

  it('refuses an oversize body with 413', async () => {
    const res = await post(JSON.stringify({ userId: 'x', text: 'a'.repeat(300 * 1024) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('KEFU_PAYLOAD_TOO_LARGE');
  });

  it('requires userId to read the outbox', async () => {
    const res = await kefu.app.inject({ method: 'GET', url: '/api/web/messages' });
    expect(res.statusCode).toBe(400);
  });

  it('serves the chat page, health and readiness', async () => {
    const page = await kefu.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('kefu');
    expect((await kefu.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await kefu.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const missing = await kefu.app.inject({ method: 'GET', url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('KEFU_NOT_FOUND');
  });
});
