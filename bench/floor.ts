/**
 * `node --import tsx bench/floor.ts [--duration S]`: the cost of the HTTP part alone. A fastify
 * server (same framework and settings as kefu's web route, logging at info as kefu does) that
 * answers `POST /api/web/messages` with a fixed reply and the turn header, nothing else, driven by
 * the same load generator: the server CPU per request here is the floor under kefu's CPU per turn.
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { pino } from 'pino';
import { runLoad } from './load.js';
import { CLOCK_TICKS, sampleTree } from './processes.js';

if (process.argv[2] === '--serve') {
  const turns = new Map<string, number>();
  const app = Fastify({ loggerInstance: pino({ level: 'info' }, pino.destination('/dev/null')) });
  app.post('/api/web/messages', { logLevel: 'warn' }, async (req, reply) => {
    const body = req.body as { userId: string; text: string };
    const n = (turns.get(body.userId) ?? 0) + 1;
    turns.set(body.userId, n);
    reply.header('x-kefu-turn', String(n));
    return {
      replies: [
        {
          text: `欢迎 个人还是企业 姓名 身份证号码 服务地址 110105********002X 异地服务协议 工单号：YD202611250001 感谢 材料 城市 杭州市的营业厅 ${body.text}`,
        },
      ],
    };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.send?.(typeof address === 'object' && address ? address.port : 0);
} else {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' } } });
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((r) => child.once('message', (m) => r(Number(m))));
  const { APPLICATION_SCENARIOS, INFO_SCENARIOS } = await import('./scenarios.js');
  const scenarios = [APPLICATION_SCENARIOS[0]!, INFO_SCENARIOS[0]!];
  const base = { baseUrl: `http://127.0.0.1:${port}`, scenarios, maxTurns: 10_000_000 };
  await runLoad({ ...base, mode: 'closed', concurrency: 64, userPrefix: 'warm', durationMs: 2000 });
  const s0 = sampleTree(child.pid!);
  const c0 = process.cpuUsage();
  const r = await runLoad({
    ...base,
    mode: 'closed',
    concurrency: 64,
    userPrefix: 'max',
    durationMs: Number(values.duration) * 1000,
  });
  const s1 = sampleTree(child.pid!);
  const c1 = process.cpuUsage(c0);
  const seconds = r.elapsedMs / 1000;
  const serverMs = ((s1.cpuTicks - s0.cpuTicks) / CLOCK_TICKS) * 1000;
  console.log(
    `floor: ${(r.turns / seconds).toFixed(0)} requests/s, errors ${r.errors}, server ${(serverMs / r.turns).toFixed(3)} ms CPU/request ` +
      `(${((serverMs / 1000 / seconds) * 100).toFixed(0)}%), load generator ${((c1.user + c1.system) / 1000 / r.turns).toFixed(3)} ms CPU/request`,
  );
  child.kill();
}
