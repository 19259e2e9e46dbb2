import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import type { Kefu } from '../../src/main.js';
import { testKefu, uniqueUser } from '../support/kefu.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const TOKEN = 'ops-admin-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const ID = '11010519491231002X';
const APPLY = [`我要申请异地服务，个人，身份证${ID}，手机13812345678，地址北京市朝阳区建国路88号`, '张三', '同意'];

async function say(kefu: Kefu, userId: string, lines: string[]): Promise<string> {
  let all = '';
  for (const text of lines) {
    const res = await kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: { userId, text } });
    expect(res.statusCode).toBe(200);
    all += (res.json() as { replies: { text: string }[] }).replies.map((r) => r.text).join('\n');
  }
  return all;
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe.each([
  ['memory', false],
  ['redis', true],
])('observability with %s stores', (_name, withRedis) => {
  let redis: RedisServer | undefined;
  let kefu: Kefu;
  const log = capture();

  beforeAll(async () => {
    // A private Redis: exact analytics figures, untouched by other tests' conversations.
    redis = withRedis ? await startRedisServer() : undefined;
    kefu = await testKefu({ ADMIN_TOKEN: TOKEN, ...(redis ? { REDIS_URL: redis.url } : {}) }, { logger: log.logger });
  });
  afterAll(async () => {
    await kefu.close();
    await redis?.stop();
  });

  it('logs one line per turn with the conversation id and the ticket number, personal data masked', async () => {
    const user = uniqueUser('ops');
    const number = /YD\d{12}/.exec(await say(kefu, user, APPLY))?.[0];
    expect(number).toBeDefined();
    const turns = log.lines.filter((l) => l.msg === 'turn' && l.conversationId === `web:${user}`);
    expect(turns).toHaveLength(3);
    expect(turns.some((l) => l.ticket === number)).toBe(true);
    expect(turns[0]).toMatchObject({ channel: 'web', event: 'user.said' });
    expect(JSON.stringify(log.lines)).not.toContain(ID);
    expect(JSON.stringify(log.lines)).not.toContain('13812345678');
  });

  it('serves Prometheus metrics: turns, latency, confidence, tickets, process; HTTP error codes counted', async () => {
    await say(kefu, uniqueUser('ops'), ['你好']);
    await kefu.app.inject({ method: 'GET', url: '/api/admin/tickets', headers: { authorization: 'Bearer nope' } });
    const res = await kefu.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).toMatch(/kefu_turns_total\{channel="web",event="user.said",intent="greet"\} [1-9]/);
    expect(text).toMatch(/kefu_turn_duration_seconds_count\{channel="web",event="user.said"\} [1-9]/);
    expect(text).toMatch(/kefu_understanding_confidence_count [1-9]/);
    expect(text).toMatch(/kefu_tickets\{kind="application",status="submitted"\} [1-9]/);
    expect(text).toMatch(/kefu_tickets_created_total\{kind="application"\} [1-9]/);
    expect(text).toContain('kefu_handoff_queue_length 0');
    expect(text).toContain('kefu_errors_total{code="KEFU_UNAUTHORIZED",source="http"} 1');
    expect(text).toContain('kefu_process_cpu_user_seconds_total');
    if (withRedis)
      expect(text).toMatch(/kefu_redis_command_duration_seconds_count\{command="evalsha",outcome="ok"\} [1-9]/);
  });

  it('GET /api/admin/stats: 401 without the token, 400 on a bad date, figures for a range with it', async () => {
    expect((await kefu.app.inject({ method: 'GET', url: '/api/admin/stats' })).statusCode).toBe(401);
    const bad = await kefu.app.inject({ method: 'GET', url: '/api/admin/stats?from=yesterday', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'KEFU_BAD_REQUEST' } });
    await kefu.metrics.flush();
    const res = await kefu.app.inject({ method: 'GET', url: '/api/admin/stats', headers: auth });
    expect(res.statusCode).toBe(200);
    const stats = res.json() as {
      conversations: number;
      containmentRate: number;
      tickets: { application: Record<string, number> };
      ticketsInRange: { byRegion: Record<string, number>; created: { application: number } };
      topIntents: { intent: string; count: number }[];
      range: { days: number };
    };
    expect(stats.conversations).toBe(2);
    expect(stats.containmentRate).toBe(1);
    expect(stats.range.days).toBe(30);
    expect(stats.tickets.application.submitted).toBe(1);
    expect(stats.ticketsInRange.created.application).toBe(1);
    expect(Object.keys(stats.ticketsInRange.byRegion).join()).toContain('北京');
    expect(stats.topIntents.map((i) => i.intent)).toContain('greet');
    const empty = await kefu.app.inject({
      method: 'GET',
      url: '/api/admin/stats?from=2020-01-01&to=2020-01-02',
      headers: auth,
    });
    expect(empty.json()).toMatchObject({ conversations: 0, containmentRate: null, range: { days: 2 } });
  });
  it('logs refused and failed requests at info, but not each successful one (a web poll, say)', async () => {
    const user = uniqueUser('ops');
    await say(kefu, user, ['你好']);
    const before = log.lines.length;
    const poll = await kefu.app.inject({ method: 'GET', url: `/api/web/messages?userId=${user}` });
    expect(poll.statusCode).toBe(200);
    const bad = await kefu.app.inject({ method: 'GET', url: '/api/web/messages?userId=' });
    expect(bad.statusCode).toBe(400);
    const completed = () => log.lines.slice(before).filter((l) => l.msg === 'request completed');
    await expect.poll(() => completed().length).toBe(1);
    expect(completed()[0]).toMatchObject({ res: { statusCode: 400 }, req: { method: 'GET' } });
    expect(log.lines.slice(before).filter((l) => l.msg === 'incoming request')).toHaveLength(0);
  });
});

it('two kefu instances in one process keep separate metrics', async () => {
  const a = await testKefu();
  const b = await testKefu();
  try {
    await say(a, uniqueUser('a'), ['你好', '帮助']);
    const count = (text: string) =>
      [...text.matchAll(/^kefu_turns_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(count((await a.app.inject({ method: 'GET', url: '/metrics' })).body)).toBe(2);
    expect(count((await b.app.inject({ method: 'GET', url: '/metrics' })).body)).toBe(0);
  } finally {
    await a.close();
    await b.close();
  }
});

it('serves chart.js from node_modules for the dashboard, and the dashboard page', async () => {
  const kefu = await testKefu();
  try {
    const js = await kefu.app.inject({ method: 'GET', url: '/vendor/chart.umd.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.body).toContain('Chart');
    const page = await kefu.app.inject({ method: 'GET', url: '/admin/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/vendor/chart.umd.js');
    expect(page.body).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
  } finally {
    await kefu.close();
  }
});
