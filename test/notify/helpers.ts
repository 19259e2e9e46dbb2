import pino from 'pino';
import { loadConfig } from '../../src/config/load.js';
import { createKefu, type Kefu } from '../../src/main.js';
import type { Ticket } from '../../src/domain/ticket.js';

/** 2026-11-23 (a Monday) 10:00 China Standard Time. */
export const MONDAY_10 = Date.parse('2026-11-23T10:00:00+08:00');
export const HOUR = 3_600_000;

export interface TestClock {
  t: number;
  now(): number;
}
export const clockAt = (t: number): TestClock => ({
  t,
  now() {
    return this.t;
  },
});

export async function kefuWith(clock: TestClock, redisUrl?: string): Promise<Kefu> {
  const env: Record<string, string> = {
    ADMIN_TOKEN: 'admin-token-1',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_USER_PER_MINUTE: '10000',
  };
  if (redisUrl) env.REDIS_URL = redisUrl;
  return createKefu(loadConfig(env, '/nonexistent'), { clock, logger: pino({ level: 'silent' }) });
}

let n = 0;
/** A submitted personal application of web user `userId`, created through the (SLA-tracked) ticket store. */
export function submitApplication(kefu: Kefu, userId: string, at: number): Promise<Ticket> {
  return kefu.tickets.create(
    {
      kind: 'application',
      channel: 'web',
      userId,
      conversationId: `web:${userId}`,
      locale: 'zh-CN',
      application: {
        userType: 'personal',
        name: '张三',
        idNumber: '11010519491231002X',
        phone: '13800138000',
        address: { province: '广东省', city: '深圳市', detail: '南山区科苑南路1号' },
        consent: { at, agreementVersion: '2026-01' },
      },
    },
    at,
    `test:${userId}:${++n}:${Math.random()}`,
  );
}

/** The user's web outbox as the public contract shows it. */
export async function outbox(kefu: Kefu, userId: string): Promise<{ text: string }[]> {
  const res = await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${encodeURIComponent(userId)}` });
  return (res.json() as { messages: { text: string }[] }).messages;
}

export const delayNotices = (messages: { text: string }[]) => messages.filter((m) => m.text.includes('延时通知'));
