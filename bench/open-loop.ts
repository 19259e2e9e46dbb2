/**
 * `node --import tsx bench/open-loop.ts <base-url> <turns/s> [seconds] [server-pid]`
 *
 * One open-loop phase against a server already running (the bench's half-load phase, by hand):
 * conversations of the bench's mix start at a fixed rate whatever the latency, and it prints the
 * turns served, p50/p99 latency and, given the server's pid, its CPU per turn (from /proc).
 */
import { runLoad } from './load.js';
import { CLOCK_TICKS, sampleTree } from './processes.js';
import { BENCH_MIX, turnsPerConversation } from './scenarios.js';
import { percentile } from './stats.js';

const [baseUrl, rateArg, secondsArg, pidArg] = process.argv.slice(2);
if (!baseUrl || !rateArg) {
  console.error('usage: open-loop.ts <base-url> <turns/s> [seconds] [server-pid]');
  process.exit(2);
}
const rate = Number(rateArg);
const durationMs = Number(secondsArg ?? 10) * 1000;
/** CPU ticks of the server (and its workers, if any). */
const ticks = () => (pidArg ? sampleTree(Number(pidArg)).cpuTicks : 0);

const before = ticks();
const r = await runLoad({
  baseUrl,
  scenarios: BENCH_MIX,
  maxTurns: Number.MAX_SAFE_INTEGER,
  mode: 'open',
  conversationsPerSecond: rate / turnsPerConversation(BENCH_MIX),
  thinkMs: 0,
  userPrefix: `open-${process.pid}-${Date.now().toString(36)}`,
  durationMs,
});
const served = (r.turns / r.elapsedMs) * 1000;
const cpu = pidArg ? `, server CPU ${(((ticks() - before) * 1000) / CLOCK_TICKS / r.turns).toFixed(3)} ms a turn` : '';
console.log(
  `offered ${rate} turns/s: served ${served.toFixed(0)}, p50 ${percentile(r.latencies, 50).toFixed(1)} ms, ` +
    `p99 ${percentile(r.latencies, 99).toFixed(1)} ms, errors ${r.errors}${cpu}`,
);
