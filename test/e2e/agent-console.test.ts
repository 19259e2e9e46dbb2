import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createKefu, type Kefu } from '../../src/main.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

// A private redis-server: the console shows the whole queue, and this test wants only its own.
let server: RedisServer;
let kefu: Kefu;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  server = await startRedisServer();
  kefu = await createKefu(
    loadConfig(
      { REDIS_URL: server.url, AGENT_TOKENS: '小王:token-wang,小李:token-li', LOG_LEVEL: 'silent' },
      '/nonexistent',
    ),
  );
  await kefu.app.listen({ port: 0, host: '127.0.0.1' });
  const address = kefu.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
});

afterAll(async () => {
  await browser?.close();
  await kefu?.close();
  await server?.stop();
});

const userSays = async (userId: string, text: string) => {
  const res = await fetch(`${base}/api/web/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, text }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: { text: string }[] }).replies.map((r) => r.text);
};
const outbox = async (userId: string) =>
  (
    (await (await fetch(`${base}/api/web/messages?userId=${userId}`)).json()) as { messages: { text: string }[] }
  ).messages.map((m) => m.text);

describe('agent console in headless Chromium', () => {
  it('handoff, claim, reply, silent bot, release and the survey, live in the console', async () => {
    // Someone already waiting when the agent signs in.
    await userSays('early-bird', '宽带一直掉线，我的手机号 13912345678');
    await userSays('early-bird', '转人工');

    await page.goto(`${base}/agent/`);
    await page.locator('#token').fill('token-wang');
    await page.keyboard.press('Enter');
    await page.locator('#me', { hasText: '小王' }).waitFor();
    await page.locator('#queue li[data-id="web:early-bird"]').waitFor();

    // A user asks for a human after the agent signed in: the queue updates without a reload.
    await userSays('e2e-user', '我想申请异地服务');
    const asked = await userSays('e2e-user', '转人工');
    expect(asked.join('')).toContain('排在第 2 位');
    const item = page.locator('#queue li[data-id="web:e2e-user"]');
    await item.waitFor();
    await expect.poll(() => item.textContent()).toContain('转人工');

    await item.click();
    await page.locator('#transcript', { hasText: '我想申请异地服务' }).waitFor();
    await page.locator('#claim').click();
    await page.locator('#mine li[data-id="web:e2e-user"]').waitFor();
    await expect
      .poll(async () => (await outbox('e2e-user')).at(-1))
      .toBe('客服小王已接入，正在为您服务。如需回到智能助手，请发送“结束人工”。');

    await page.locator('#reply').fill('您好，我是客服小王，请问您要在哪个城市办理？');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await outbox('e2e-user')).at(-1))
      .toBe('【客服小王】您好，我是客服小王，请问您要在哪个城市办理？');

    // The user's next words reach the console; the bot says nothing.
    expect(await userSays('e2e-user', '在深圳，身份证 11010519491231002X')).toEqual([]);
    await page.locator('#transcript .msg.user', { hasText: '在深圳' }).waitFor();
    const shown = await page.locator('#transcript').textContent();
    expect(shown).toContain('110105********002X');
    expect(shown).not.toContain('11010519491231002X');
    expect(await page.locator('#ctx-intent').textContent()).toBe('申请异地服务');

    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/agent-console.png', fullPage: false });

    await page.locator('#release').click();
    await expect
      .poll(async () => (await outbox('e2e-user')).at(-1))
      .toBe('请为客服小王本次的服务打分（5 分为非常满意）：');
    await page.locator('#mine li.empty-item').waitFor();

    // English on request.
    await page.locator('.topbar .lang-toggle').click();
    await page.locator('#queue-count').waitFor();
    await expect.poll(() => page.locator('.sidebar h2 span[data-i18n="queue"]').textContent()).toBe('Queue');
  });
});
