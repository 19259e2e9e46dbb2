/**
 * `node --import tsx bench/open-loop.ts <base-url> <turns/s> [seconds] [server-pid]`
 *
 * One open-loop phase against a server already running (the bench's half-load phase, by hand):
 * conversations of the bench's mix start at a fixed rate whatever the latency, and it prints the
 * turns served, p50/p99 latency and, given the server's pid, its CPU per turn (from /proc).
 */
import { readFileSync } from 'node:fs';
import { runLoad } from './load.js';
import { APPLICATION_SCENARIOS, INFO_SCENARIOS } from './scenarios.js';
import { percentile } from './stats.js';

const [baseUrl, rateArg, secondsArg, pidArg] = process.argv.slice(2);
if (!baseUrl || !rateArg) {
  console.error('usage: open-loop.ts <base-url> <turns/s> [seconds] [server-pid]');
  process.exit(2);
}
// The bench's mix: half the customers apply, half ask for information (zh-CN and en).
const scenarios = [APPLICATION_SCENARIOS[0]!, INFO_SCENARIOS[0]!, APPLICATION_SCENARIOS[0]!, INFO_SCENARIOS[1]!];
const turnsPerConversation = scenarios.reduce((s, c) => s + c.steps.length, 0) / scenarios.length;
const rate = Number(rateArg);
const durationMs = Number(secondsArg ?? 10) * 1000;

/** utime + stime of a process, in clock ticks (100 a second on Linux). */
const ticks = (pid: string) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

const before = pidArg ? ticks(pidArg) : 0;
const r = await runLoad({
  baseUrl,
  scenarios,
  maxTurns: Number.MAX_SAFE_INTEGER,
  mode: 'open',
  conversationsPerSecond: rate / turnsPerConversation,
  thinkMs: 0,
  userPrefix: `open-${process.pid}-${Date.now().toString(36)}`,
  durationMs,
});
const served = (r.turns / r.elapsedMs) * 1000;
const cpu = pidArg ? `, server CPU ${(((ticks(pidArg) - before) * 10) / r.turns).toFixed(3)} ms a turn` : '';
console.log(
  `offered ${rate} turns/s: served ${served.toFixed(0)}, p50 ${percentile(r.latencies, 50).toFixed(1)} ms, ` +
    `p99 ${percentile(r.latencies, 99).toFixed(1)} ms, errors ${r.errors}${cpu}`,
);
