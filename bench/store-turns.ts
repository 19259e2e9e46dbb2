/**
 * `node --import tsx bench/store-turns.ts [redis-url] [turns-per-conversation] [conversations]`
 *
 * What the Redis session store costs the client for a turn's start and commit, alone: 64
 * conversations at once (or as many as the third argument says: 2048 of 9 turns each keeps their
 * lanes as short as the bench's), each taking turns with a realistic session (a personal
 * application in progress), one reply the catalog rendered with a button (kept as its recipe, as
 * kefu runs it), a message id as the web page makes it (a UUID), and the turn's two transcript
 * lines. Reports the process's CPU time (user + system) per turn over five rounds after a
 * warm-up; pin it to one core
 * (`taskset -c 0`) and keep redis-server on the other for steadier figures. Needs a running
 * redis-server (default redis://127.0.0.1:6379); it writes keys under `kefu:{web:store-turns-*}`.
 */
import { randomUUID } from 'node:crypto';
import type { SessionRecord } from '../src/core/ports.js';
import { Catalog } from '../src/runtime/catalog.js';
import { createRedis } from '../src/store/redis-client.js';
import { RedisSessionStore } from '../src/store/redis-session-store.js';

const url = process.argv[2] ?? 'redis://127.0.0.1:6379';
const turnsEach = Number(process.argv[3] ?? 300);
const CONVERSATIONS = Number(process.argv[4] ?? 64);

const redis = createRedis(url);
const catalog = await Catalog.load();
const store = new RedisSessionStore(redis, {
  historyChannels: ['web'],
  render: (reply, locale) => catalog.render(reply, locale),
});
const session = (turns: number): SessionRecord => ({
  machineVersion: 2,
  snapshot: {
    status: 'active',
    value: { application: 'address' },
    historyValue: {},
    context: {
      channel: 'web',
      userId: 'store-turns',
      locale: 'zh-CN',
      misunderstandings: 0,
      flows: { application: { asking: 'address', userType: 'personal', name: '张三', phone: '13812345678' } },
    },
    children: {},
  },
  locale: 'zh-CN',
  turns,
  updatedAt: Date.now(),
});
const reply = catalog.render(
  {
    message: { key: 'application.ask.address' },
    quickReplies: [{ label: { key: 'application.cancelButton' }, value: 'intent:cancel' }],
  },
  'zh-CN',
);

async function converse(id: string): Promise<void> {
  for (let t = 1; t <= turnsEach; t++) {
    const start = await store.beginTurn(id, `web:${randomUUID()}`);
    if (start.kind !== 'ready') throw new Error(`turn ${t} of ${id}: ${start.kind}`);
    const at = Date.now();
    await store.commitTurn(start.turn, session(t), [reply], 600_000, [
      { from: 'user', text: '北京市朝阳区建国路88号', at },
      { from: 'bot', text: reply.text, at },
    ]);
  }
}

const round = (name: string) =>
  Promise.all(Array.from({ length: CONVERSATIONS }, (_, i) => converse(`web:store-turns-${name}-${process.pid}-${i}`)));

await round('warm');
for (let r = 1; r <= 5; r++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await round(`r${r}`);
  const cpu = process.cpuUsage(cpu0);
  const turns = CONVERSATIONS * turnsEach;
  const us = (cpu.user + cpu.system) / turns;
  console.log(
    `round ${r}: ${us.toFixed(1)} us CPU a turn, ${((turns / (performance.now() - t0)) * 1000).toFixed(0)} turns/s`,
  );
}
redis.disconnect();
