import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Intent } from '../../src/core/nlu.js';
import type { Kefu } from '../../src/main.js';
import { testKefu } from '../support/kefu.js';

const TOKEN = 'dashboard-admin-token';
const DAY = 86_400_000;
const INTENTS: Intent[] = [
  'apply',
  'status',
  'apply',
  'complaint',
  'hours',
  'materials',
  'greet',
  'close',
  'agent',
  'other',
];
const PROVINCES = ['北京市', '广东省', '广东省', '上海市', '浙江省', '四川省'];
const CATEGORIES = ['network_signal', 'billing', 'service_attitude', 'network_signal', 'other'];

let kefu: Kefu;
let browser: Browser;
let page: Page;
let base: string;

/** Two weeks of figures through the same observer calls the runtime makes, and real tickets. */
async function seed(kefu: Kefu): Promise<void> {
  const now = Date.now();
  let n = 0;
  for (let d = 13; d >= 0; d--) {
    const day = now - d * DAY;
    const conversations = 20 + ((d * 7) % 15);
    for (let i = 0; i < conversations; i++) {
      const conversationId = `web:seed-${d}-${i}`;
      const intent = INTENTS[(i + d) % INTENTS.length]!;
      const base = {
        conversationId,
        channel: i % 4 === 0 ? ('line' as const) : ('web' as const),
        tickets: [],
        durationMs: 20,
        state: 'ready',
        replies: [],
      };
      kefu.metrics.turn({
        ...base,
        event: 'user.said',
        intent,
        confidence: intent === 'other' ? 0.3 : 0.9,
        text: intent === 'other' ? ['我的号码13812345678怎么停机了', '那个东西怎么弄', '???'][i % 3] : '',
        started: true,
        at: day,
      });
      if (i % 6 === 0) {
        kefu.metrics.effect(
          'requestHandoff',
          { reason: i % 12 === 0 ? 'user_request' : 'misunderstood' },
          { ...base, at: day },
        );
        kefu.metrics.turn({ ...base, event: 'agent.joined', started: false, at: day + ((i * 37) % 400) * 1000 });
        kefu.metrics.effect(
          'recordSatisfaction',
          { surveyId: `s-${d}-${i}`, subject: { kind: 'agent', agent: 'a' }, score: 5 - ((i + d) % 4) },
          { ...base, at: day },
        );
      }
    }
    for (let k = 0; k < 3; k++, n++) {
      const app = await kefu.tickets.create(
        {
          kind: 'application',
          channel: 'web',
          userId: `seed-app-${n}`,
          conversationId: `web:seed-app-${n}`,
          locale: 'zh-CN',
          deadlines: { review: day + 3_600_000 },
          application: {
            userType: 'personal',
            name: '张三',
            idNumber: '11010519491231002X',
            phone: '13812345678',
            address: { province: PROVINCES[n % PROVINCES.length]!, city: '某市', detail: '某路1号' },
            consent: { at: day, agreementVersion: '1' },
          },
        },
        day,
        `seed-app-${n}`,
      );
      // Review met (approved in 30 min), missed (approved after 2 h), or still waiting past its deadline.
      if (n % 3 !== 2) {
        await kefu.tickets.transition(app.number, 'under_review', 'admin', day + 600_000);
        await kefu.tickets.transition(app.number, 'approved', 'admin', day + (n % 3 ? 7_200_000 : 1_800_000));
      }
      const fb = await kefu.tickets.create(
        {
          kind: 'feedback',
          channel: 'web',
          userId: `seed-fb-${n}`,
          conversationId: `web:seed-fb-${n}`,
          locale: 'zh-CN',
          feedback: {
            type: 'complaint',
            category: CATEGORIES[n % CATEGORIES.length]!,
            urgency: 'routine',
            description: '网络不好',
            department: 'network',
            explanation: [],
          },
        },
        day,
        `seed-fb-${n}`,
      );
      if (n % 2) await kefu.tickets.transition(fb.number, 'classified', 'admin', day + 600_000);
    }
  }
  await kefu.metrics.flush();
}

beforeAll(async () => {
  kefu = await testKefu({ ADMIN_TOKEN: TOKEN });
  await seed(kefu);
  await kefu.app.listen({ port: 0, host: '127.0.0.1' });
  const address = kefu.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
});

afterAll(async () => {
  await browser?.close();
  await kefu?.close();
});

it('signs in with the admin token and draws the figures in Chinese and English, loading nothing from outside', async () => {
  const outside: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(base)) outside.push(req.url());
  });
  await page.goto(`${base}/admin/`);
  await page.locator('#token').fill('wrong-token');
  await page.locator('#signin-form button[type=submit]').click();
  await expect.poll(() => page.locator('#signin-error').textContent()).toBe('令牌无效');

  await page.locator('#token').fill(TOKEN);
  await page.locator('#signin-form button[type=submit]').click();
  await page.waitForSelector('body[data-ready="true"]');
  const stats = (await (
    await fetch(`${base}/api/admin/stats`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).json()) as { conversations: number; misunderstood: { top: { text: string }[] } };
  expect(await page.locator('#kpi-conversations').textContent()).toBe(String(stats.conversations));
  expect(stats.conversations).toBeGreaterThan(280);
  expect(await page.locator('#kpi-csat').textContent()).toMatch(/^\d(\.\d+)? \/ 5$/);
  // Every chart drew on its canvas (chart.js from /vendor/ loaded and ran).
  const drawn = await page.evaluate(() => {
    // Runs in the page: chart.js keeps the chart drawn on each canvas.
    const g = globalThis as unknown as {
      document: { querySelectorAll(selector: string): ArrayLike<unknown> };
      Chart: { getChart(canvas: unknown): unknown };
    };
    return Array.from(g.document.querySelectorAll('canvas')).map((c) => g.Chart.getChart(c) !== undefined);
  });
  expect(drawn).toHaveLength(9);
  expect(drawn.every(Boolean)).toBe(true);
  const table = await page.locator('#misunderstood').textContent();
  expect(table).toContain('138****5678');
  expect(table).not.toContain('13812345678');
  expect(await page.locator('h2[data-i18n=topMisunderstood]').textContent()).toBe('未理解的消息（已脱敏）');

  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/admin-dashboard.png', fullPage: true });

  await page.locator('header .lang-toggle').click();
  expect(await page.locator('.brand').textContent()).toBe('Service dashboard');
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  await page.screenshot({ path: 'test-output/admin-dashboard-en.png', fullPage: true });
  expect(outside).toEqual([]);
});
