/**
 * `npm run bench [-- --duration 20 --concurrency auto --workers 1,2]`: kefu (and the Bot Framework
 * baseline, when built) against one real redis-server on loopback, plus redis-benchmark for the
 * physical limit. Prints a report and writes the figures to bench/results/.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startRedisServer } from '../test/support/redis-server.js';
import { describeGcPauses, gcPauses, logSize, readLogFrom, type GcPauses } from './gc-trace.js';
import { runLoad, type LoadResult } from './load.js';
import { CLOCK_TICKS, PAGE_SIZE, redisBenchmark, sampleTree, startServer, type ServerUnderTest } from './processes.js';
import { startRedisProxy } from './redis-proxy.js';
import { APPLICATION_SCENARIOS, BENCH_MIX, turnsPerConversation as averageTurns, type Scenario } from './scenarios.js';
import {
  callDelta,
  commandCalls,
  infoNumber,
  parseInfo,
  parseMachineCpu,
  latencyWindows,
  percentile,
  stealPercent,
  kneeLevel,
  windowsOver,
  type MachineCpu,
  type SweepLevel,
} from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    /**
     * Customers of the max phases: a number, or `auto` (the default): the knee of a short sweep
     * over SWEEP_LEVELS (the fewest customers within 5% of the target's most turns/s).
     */
    concurrency: { type: 'string', default: 'auto' },
    workers: { type: 'string', default: '1,2' },
    'max-turns': { type: 'string', default: '2000000' },
    calibration: { type: 'string', default: '30' },
    'skip-redis-benchmark': { type: 'boolean', default: false },
    'skip-baseline': { type: 'boolean', default: false },
    /** Write V8 CPU profiles of the servers (their max phase included) to this folder; see bench/profile-summary.ts. */
    'cpu-prof': { type: 'string' },
    /** Run kefu from another checkout (e.g. the code before an optimisation) for a before/after. */
    'kefu-root': { type: 'string' },
    /** Start the servers without kefu's V8 flags (node's defaults). */
    'v8-default': { type: 'boolean', default: false },
    /** More node/V8 flags for both servers, space-separated (`--v8-flags=--no-parallel-scavenge`). */
    'v8-flags': { type: 'string', default: '' },
    /** Run every target this many times, alternating, and report each round's ratio and the median. */
    rounds: { type: 'string', default: '1' },
    /**
     * Also measure kefu and the baseline side by side: both servers up, taking turns at full load in
     * slices of this many seconds (0: not at all) for --duration seconds each.
     */
    interleave: { type: 'string', default: '2' },
    /**
     * Another checkout of kefu to compare this one with, side by side only (no rounds, no
     * baseline): the steadier before/after on a drifting machine.
     */
    versus: { type: 'string' },
  },
});
const durationMs = Number(flags.duration) * 1000;
const fixedConcurrency = flags.concurrency === 'auto' ? undefined : Number(flags.concurrency);
/**
 * Customers tried by the sweep, in order. A closed loop's throughput is customers over latency: too
 * few and the server waits on its own round trips (kefu's main thread was 84% busy at 64 customers,
 * 99% at 256), which is latency, not the maximum.
 */
const SWEEP_LEVELS = [64, 128, 256, 512];
/** Each level's measured part, after a lead-in of a quarter of it. */
const SWEEP_MS = 4000;
/** Side by side with no max phase before it (`--versus`): where kefu's knee lay (128-512) in the sixth session. */
const UNSWEPT_CUSTOMERS = 256;
const maxTurns = Number(flags['max-turns']);
const workerCounts = flags.workers
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const scenarios: Scenario[] = [...BENCH_MIX];
const turnsPerConversation = averageTurns(scenarios);

/** Every simulated customer comes from 127.0.0.1: the per-address limit would refuse them (per-user stays). */
const SERVER_ENV = { RATE_LIMIT_IP_PER_MINUTE: '0' };

/**
 * Node flags of the servers under test besides V8_FLAGS: V8's GC trace (one line a collection in
 * the server's log, read back per phase) and, when asked, CPU profiles.
 */
const traceFlags = ['--trace-gc', ...(flags['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', flags['cpu-prof']] : [])];
/**
 * The V8 settings kefu's start command uses (package.json, bin/kefu.js, docs/deployment.md): a
 * larger young generation, fewer scavenges; no allocation-site pretenuring. The baseline gets them
 * too; `--v8-default` runs both without them.
 */
const V8_FLAGS = [
  ...(flags['v8-default'] ? [] : ['--max-semi-space-size=64', '--no-allocation-site-pretenuring']),
  ...flags['v8-flags'].split(' ').filter(Boolean),
];

/** The issue's latency target at half load; each phase says how many of its seconds were above it. */
const P99_TARGET_MS = 25;

const tty = process.stdout.isTTY;
let lastLine = 0;
function progress(label: string, s: { turns: number; errors: number; elapsedMs: number; inFlight: number }) {
  const line = `${label}: ${(s.elapsedMs / 1000).toFixed(1)} s, ${s.turns} turns, ${Math.round((s.turns * 1000) / Math.max(1, s.elapsedMs))} turns/s, ${s.inFlight} in flight, ${s.errors} errors`;
  if (tty) process.stdout.write(`\r\x1b[2K${line}`);
  else if (s.elapsedMs - lastLine >= 5000) {
    lastLine = s.elapsedMs;
    console.log(line);
  }
}
function say(line: string) {
  if (tty) process.stdout.write('\r\x1b[2K');
  lastLine = 0;
  console.log(line);
}

interface PhaseFigures {
  turnsPerSecond: number;
  p50: number;
  p99: number;
  turns: number;
  conversations: number;
  errors: number;
  errorSamples: string[];
  redisCommandsPerTurn: number;
  redisCommands: Record<string, number>;
  serverCpuPercent: number;
  /** Server CPU time per turn: steadier than turns/s on a shared machine. */
  serverCpuMsPerTurn: number;
  serverRssMb: number;
  redisCpuPercent: number;
  loadgenCpuPercent: number;
  /**
   * Share of the machine's CPU time the hypervisor took during the phase (steal): on a shared
   * virtual machine it swings from 0 to a third within minutes and makes turns/s swing with it.
   */
  stealPercent: number;
  /** The server's garbage-collection pauses during the phase (its `--trace-gc` lines). */
  gc: GcPauses;
  /**
   * The p99 of each second of the phase (ms; index = second): a miss from one spell shows as one
   * high second. Null for a second in which no turn ended (the server answered nobody).
   */
  p99BySecond: (number | null)[];
}

interface TargetFigures {
  name: string;
  /** Customers of the max phase, and what each level of the sweep gave (turns/s), when it ran. */
  customers?: number;
  sweep?: SweepLevel[];
  max?: PhaseFigures;
  half?: PhaseFigures & { offeredTurnsPerSecond: number };
  calibration?: {
    roundTripsPerTurn: number;
    requestsPerTurn: number;
    requests: Record<string, number>;
    idleRequestsPerSecond: number;
    commandsPerTurn: number;
    turns: number;
  };
  memory?: {
    bytesPerSession: number;
    sessions: number;
    keysPerSession: number;
    sampleKeys: Record<string, number>;
    /** One finished conversation: its state (session, turn lane, dedupe) and its message history (outbox, transcript). */
    sampleStateBytes: number;
    sampleHistoryBytes: number;
    /**
     * The same application held by a customer whose id is as long as the web page's (`web-` and a UUID,
     * 40 characters): every key name holds it, so real ids cost more than the load's short ones.
     */
    pageIdConversationBytes: number;
  };
}

/** The machine's CPU counters now (steal included). */
const machineCpu = (): MachineCpu => parseMachineCpu(readFileSync('/proc/stat', 'utf8'));

async function info(redis: Redis) {
  return parseInfo(await redis.info('everything'));
}

/** One load phase with the server's, Redis's and our own CPU measured around it. */
async function phase(
  label: string,
  server: ServerUnderTest,
  redis: Redis,
  redisPid: number,
  run: (
    onProgress: (s: { turns: number; errors: number; elapsedMs: number; inFlight: number }) => void,
  ) => Promise<LoadResult>,
): Promise<PhaseFigures> {
  const before = await info(redis);
  const log0 = logSize(server.logFile);
  const s0 = sampleTree(server.pid);
  const r0 = sampleTree(redisPid);
  const c0 = process.cpuUsage();
  const m0 = machineCpu();
  const load = await run((s) => progress(label, s));
  const m1 = machineCpu();
  const s1 = sampleTree(server.pid);
  const r1 = sampleTree(redisPid);
  const c1 = process.cpuUsage(c0);
  const after = await info(redis);
  const gc = gcPauses(readLogFrom(server.logFile, log0));
  const seconds = load.elapsedMs / 1000;
  const windows = latencyWindows(load.latencies, load.endedAtMs, 1000);
  const p99BySecond: (number | null)[] = Array.from({ length: Math.ceil(load.elapsedMs / 1000) }, () => null);
  for (const w of windows) p99BySecond[w.startMs / 1000] = +w.p99.toFixed(1);
  const silent = p99BySecond.filter((p) => p === null).length;
  const delta = callDelta(commandCalls(before), commandCalls(after));
  delta.delete('info');
  const total = [...delta.values()].reduce((a, b) => a + b, 0);
  const figures: PhaseFigures = {
    turnsPerSecond: load.turns / seconds,
    p50: percentile(load.latencies, 50),
    p99: percentile(load.latencies, 99),
    turns: load.turns,
    conversations: load.conversations,
    errors: load.errors,
    errorSamples: load.errorSamples,
    redisCommandsPerTurn: total / Math.max(1, load.turns),
    redisCommands: Object.fromEntries([...delta].map(([k, v]) => [k, +(v / Math.max(1, load.turns)).toFixed(2)])),
    serverCpuPercent: ((s1.cpuTicks - s0.cpuTicks) / CLOCK_TICKS / seconds) * 100,
    serverCpuMsPerTurn: (((s1.cpuTicks - s0.cpuTicks) / CLOCK_TICKS) * 1000) / Math.max(1, load.turns),
    serverRssMb: (s1.rssPages * PAGE_SIZE) / 2 ** 20,
    redisCpuPercent: ((r1.cpuTicks - r0.cpuTicks) / CLOCK_TICKS / seconds) * 100,
    loadgenCpuPercent: ((c1.user + c1.system) / 1e6 / seconds) * 100,
    stealPercent: stealPercent(m0, m1),
    gc,
    p99BySecond,
  };
  const { over, worst } = windowsOver(windows, P99_TARGET_MS);
  say(
    `${label}: ${figures.turnsPerSecond.toFixed(0)} turns/s, p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, ` +
      `${figures.redisCommandsPerTurn.toFixed(2)} Redis commands/turn, server CPU ${figures.serverCpuPercent.toFixed(0)}% (${figures.serverCpuMsPerTurn.toFixed(2)} ms/turn), ` +
      `RSS ${figures.serverRssMb.toFixed(0)} MB, steal ${figures.stealPercent.toFixed(0)}%, ${describeGcPauses(gc)}, errors ${figures.errors}; ` +
      `p99 by second: ${over} of ${p99BySecond.length} above ${P99_TARGET_MS} ms` +
      (silent > 0 ? `, ${silent} with no turn answered` : '') +
      (worst ? `, worst ${worst.p99.toFixed(1)} ms at ${worst.startMs / 1000} s` : ''),
  );
  for (const e of figures.errorSamples) say(`  error: ${e}`);
  return figures;
}

interface TargetSpec {
  name: string;
  args: (workers: number) => string[];
  workers: number[];
  /** Sessions' keys of user `u` (for the per-session memory breakdown). */
  keyPattern: (userId: string) => string;
}

async function benchTarget(
  spec: TargetSpec,
  redisServer: { port: number; url: string; pid: number },
  redis: Redis,
  logDir: string,
): Promise<TargetFigures[]> {
  const out: TargetFigures[] = [];
  for (const workers of spec.workers) {
    const name = `${spec.name} (workers=${workers})`;
    const figures: TargetFigures = { name };
    out.push(figures);
    await redis.flushall();
    const first = workers === spec.workers[0];

    if (first) {
      // Calibration: one customer at a time through a counting relay, so each write is a round trip.
      const proxy = await startRedisProxy({ host: '127.0.0.1', port: redisServer.port });
      const server = await startServer(
        `${spec.name}-calibration`,
        spec.args(1),
        { ...SERVER_ENV, REDIS_URL: proxy.url },
        logDir,
      );
      try {
        await runLoad({
          mode: 'closed',
          concurrency: 1,
          baseUrl: server.url,
          scenarios,
          userPrefix: 'warm',
          durationMs: 60_000,
          maxTurns: 10,
        });
        // What the server sends with nobody talking (timers, presence): not part of a turn. Measured
        // after the warm-up's buffered analytics have been written (they flush once a second).
        await new Promise((r) => setTimeout(r, 1200));
        const idle0 = proxy.counts();
        await new Promise((r) => setTimeout(r, 1000));
        const idle = proxy.counts();
        const c0 = proxy.counts();
        const i0 = commandCalls(await info(redis));
        const startedAt = performance.now();
        const calib = await runLoad({
          mode: 'closed',
          concurrency: 1,
          baseUrl: server.url,
          scenarios,
          userPrefix: 'calib',
          durationMs: 60_000,
          maxTurns: Number(flags.calibration),
          onProgress: (s) => progress(`${name} calibration`, s),
        });
        // The calibration's own analytics flush belongs to its turns: wait for it.
        await new Promise((r) => setTimeout(r, 1200));
        const c1 = proxy.counts();
        const seconds = (performance.now() - startedAt) / 1000;
        const idleWrites = (idle.writes - idle0.writes) * seconds;
        const idleCommands = (idle.commands - idle0.commands) * seconds;
        const d = callDelta(i0, commandCalls(await info(redis)));
        d.delete('info');
        const turns = Math.max(1, calib.turns);
        figures.calibration = {
          turns: calib.turns,
          roundTripsPerTurn: (c1.writes - c0.writes - idleWrites) / turns,
          requestsPerTurn: (c1.commands - c0.commands - idleCommands) / turns,
          requests: Object.fromEntries(
            [...callDelta(c0.names, c1.names)].map(([k, v]) => [k, +(v / turns).toFixed(2)]),
          ),
          idleRequestsPerSecond: idle.commands - idle0.commands,
          commandsPerTurn: [...d.values()].reduce((a, b) => a + b, 0) / turns,
        };
        say(
          `${name} calibration: ${figures.calibration.roundTripsPerTurn.toFixed(2)} round trips/turn, ` +
            `${figures.calibration.requestsPerTurn.toFixed(2)} requests/turn, ${figures.calibration.commandsPerTurn.toFixed(2)} commands/turn (scripts' inner calls included); ` +
            `per turn: ${JSON.stringify(figures.calibration.requests)}; idle: ${figures.calibration.idleRequestsPerSecond} requests/s`,
        );
      } finally {
        await server.stop();
        await proxy.close();
      }
      await redis.flushall();
    }

    const server = await startServer(
      `${spec.name}-w${workers}`,
      spec.args(workers),
      { ...SERVER_ENV, REDIS_URL: redisServer.url },
      logDir,
    );
    try {
      await redis.call('MEMORY', 'PURGE');
      const emptyMemory = infoNumber(await info(redis), 'memory', 'used_memory');
      const common = { baseUrl: server.url, scenarios, maxTurns };
      await runLoad({
        ...common,
        mode: 'closed',
        concurrency: fixedConcurrency ?? SWEEP_LEVELS[0]!,
        userPrefix: `warm-w${workers}`,
        durationMs: Math.min(3000, durationMs / 4),
        onProgress: (s) => progress(`${name} warm-up`, s),
      });
      let customers = fixedConcurrency;
      if (customers === undefined) {
        figures.sweep = await sweep(name, common, workers);
        customers = kneeLevel(figures.sweep).customers;
        say(
          `${name} sweep: ${figures.sweep.map((l) => `${l.customers} customers ${l.turnsPerSecond.toFixed(0)}`).join(', ')} turns/s: max phase with ${customers}`,
        );
      }
      figures.customers = customers;
      figures.max = await phase(`${name} max`, server, redis, redisServer.pid, (onProgress) =>
        runLoad({
          ...common,
          mode: 'closed',
          concurrency: customers,
          userPrefix: `max-w${workers}`,
          durationMs,
          onProgress,
        }),
      );
      if (first) {
        const offered = figures.max.turnsPerSecond / 2;
        const half = await phase(`${name} half load`, server, redis, redisServer.pid, (onProgress) =>
          runLoad({
            ...common,
            mode: 'open',
            conversationsPerSecond: offered / turnsPerConversation,
            thinkMs: 0,
            userPrefix: `half-w${workers}`,
            durationMs: Math.max(2000, durationMs * 0.75),
            onProgress,
          }),
        );
        figures.half = { ...half, offeredTurnsPerSecond: offered };
        // Every conversation is idle now: Redis memory over the number of conversations held.
        const used = infoNumber(await info(redis), 'memory', 'used_memory');
        const sessions = await countSessions(redis);
        const sampleUser = `max-w${workers}-0`;
        const sampleKeys = await keysMemory(redis, spec.keyPattern(sampleUser));
        const db0 = (await info(redis)).get('keyspace')?.get('db0') ?? '';
        // One more application, from a customer with an id as long as the web page's.
        const pagePrefix = `web-${randomUUID().slice(0, 34)}`;
        await runLoad({
          ...common,
          scenarios: [APPLICATION_SCENARIOS[0]!],
          maxTurns: APPLICATION_SCENARIOS[0]!.steps.length,
          mode: 'closed',
          concurrency: 1,
          userPrefix: pagePrefix,
          durationMs: 10_000,
        });
        const history = Object.entries(sampleKeys).filter(([k]) => /:(outbox|transcript)$/.test(k));
        const sum = (xs: [string, number][]) => xs.reduce((a, [, v]) => a + v, 0);
        const pageIdConversationBytes = sum(
          Object.entries(await keysMemory(redis, spec.keyPattern(`${pagePrefix}-0`))),
        );
        figures.memory = {
          sessions,
          bytesPerSession: (used - emptyMemory) / Math.max(1, sessions),
          keysPerSession: Number(/keys=(\d+)/.exec(db0)?.[1] ?? 0) / Math.max(1, sessions),
          sampleKeys,
          sampleHistoryBytes: sum(history),
          sampleStateBytes: sum(Object.entries(sampleKeys)) - sum(history),
          pageIdConversationBytes,
        };
        say(
          `${name} memory: ${figures.memory.bytesPerSession.toFixed(0)} B of Redis per idle conversation over ${sessions} conversations, ` +
            `${figures.memory.keysPerSession.toFixed(1)} keys each; one finished conversation: state ${figures.memory.sampleStateBytes} B, ` +
            `history ${figures.memory.sampleHistoryBytes} B ${JSON.stringify(sampleKeys)}; ` +
            `with a 40-character id like the web page's: ${pageIdConversationBytes} B`,
        );
      }
    } finally {
      await server.stop();
    }
  }
  return out;
}

/**
 * Turns/s at each of SWEEP_LEVELS customers (closed loop). Every level is measured: on a machine
 * whose speed drifts by a quarter within minutes, a rule that stops at the first small gain
 * stopped early (4% from 64 to 128 customers in one run, 15-30% in others).
 */
async function sweep(
  name: string,
  common: { baseUrl: string; scenarios: Scenario[]; maxTurns: number },
  workers: number,
): Promise<SweepLevel[]> {
  const levels: SweepLevel[] = [];
  for (const customers of SWEEP_LEVELS) {
    const run = (ms: number, part: string) =>
      runLoad({
        ...common,
        mode: 'closed',
        concurrency: customers,
        userPrefix: `sweep-w${workers}-${customers}-${part}`,
        durationMs: ms,
        onProgress: (s) => progress(`${name} sweep, ${customers} customers`, s),
      });
    await run(SWEEP_MS / 4, 'lead');
    const r = await run(SWEEP_MS, 'm');
    const turnsPerSecond = (r.turns / r.elapsedMs) * 1000;
    levels.push({ customers, turnsPerSecond });
    // A wrong answer is never throughput: say so here too, the max phase counts its own.
    if (r.errors > 0) say(`${name} sweep, ${customers} customers: ${r.errors} errors, e.g. ${r.errorSamples[0]}`);
  }
  return levels;
}

/** `MEMORY USAGE` of each key matching `pattern`. */
async function keysMemory(redis: Redis, pattern: string): Promise<Record<string, number>> {
  const usage: Record<string, number> = {};
  for (const key of await redis.keys(pattern)) {
    usage[key] = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  }
  return usage;
}

/** Conversations held in Redis: one session key each (kefu) or one conversation-state key (baseline). */
async function countSessions(redis: Redis): Promise<number> {
  let n = 0;
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', '*session*', 'COUNT', 1000);
    cursor = next;
    n += batch.length;
  } while (cursor !== '0');
  if (n > 0) return n;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', '*conversations*', 'COUNT', 1000);
    cursor = next;
    n += batch.length;
  } while (cursor !== '0');
  return n;
}

/** What the side-by-side measurement gives: each target's turns and server CPU. */
interface Interleaved {
  sliceMs: number;
  /** Load before each slice's measured part, not counted in turns/s. */
  leadMs: number;
  slices: number;
  targets: {
    name: string;
    customers: number;
    turns: number;
    seconds: number;
    turnsPerSecond: number;
    /**
     * All the server's CPU over the step, its slices, lead-ins and the other's slices included,
     * over every turn it served: what a turn costs, the work a collector defers to idle time too.
     */
    serverCpuMsPerTurn: number;
    /** CPU during its own measured slices only, over their turns (the figure before the fifth session). */
    inSliceCpuMsPerTurn: number;
    /** CPU while the other target was loaded, per turn it served: work left over after its slices. */
    idleCpuMsPerTurn: number;
    errors: number;
  }[];
  /** kefu over the baseline from the sums, and the median of the ratios of adjacent slices. */
  ratio: number;
  medianSliceRatio: number;
  ratioByCpu: number;
}

/**
 * kefu and the baseline (one process each) both running on the same Redis, loaded in turn for a
 * short slice each, the order switching every pair: a shared machine's speed drifts by a quarter
 * within minutes, so figures taken minutes apart can land on either side of it; slices seconds
 * apart share the machine's state, and the ratio of their sums is the steadier comparison.
 * A server rests while the other is loaded, and a garbage collector can finish there what a
 * sustained load would make it do in the middle of turns: each slice starts with an uncounted
 * lead-in under load, and CPU per turn counts all of a server's CPU over the step.
 */
async function interleaved(
  specs: TargetSpec[],
  redisUrl: string,
  redis: Redis,
  logDir: string,
  sliceMs: number,
  /** Customers for each target: its max phase's. */
  customers: number[],
): Promise<Interleaved> {
  await redis.flushall();
  const servers = await Promise.all(
    specs.map((spec) =>
      startServer(`${spec.name}-interleaved`, spec.args(1), { ...SERVER_ENV, REDIS_URL: redisUrl }, logDir),
    ),
  );
  try {
    const slices = Math.max(2, Math.round(durationMs / sliceMs));
    const leadMs = Math.min(1000, sliceMs / 2);
    const sums = specs.map((spec) => ({
      name: spec.name,
      turns: 0,
      allTurns: 0,
      ms: 0,
      cpuTicks: 0,
      inSliceTicks: 0,
      idleTicks: 0,
      errors: 0,
      perSlice: [] as number[],
    }));
    let next = 0;
    const load = (i: number, ms: number, label: string) =>
      runLoad({
        baseUrl: servers[i]!.url,
        scenarios,
        maxTurns,
        mode: 'closed',
        concurrency: customers[i]!,
        userPrefix: `side-${i}-${next++}`,
        durationMs: ms,
        onProgress: (p) => progress(label, p),
      });
    for (const [i, spec] of specs.entries()) await load(i, Math.min(3000, durationMs / 4), `${spec.name} warm-up`);
    const cpuOf = () => servers.map((server) => sampleTree(server.pid).cpuTicks);
    const start = cpuOf();
    for (let n = 0; n < slices; n++) {
      const order = n % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const label = `side by side ${n + 1}/${slices}: ${specs[i]!.name}`;
        const lead = await load(i, leadMs, label);
        const c0 = cpuOf();
        const measured = await load(i, sliceMs, label);
        const c1 = cpuOf();
        const sum = sums[i]!;
        sum.turns += measured.turns;
        sum.allTurns += lead.turns + measured.turns;
        sum.ms += measured.elapsedMs;
        sum.inSliceTicks += c1[i]! - c0[i]!;
        sum.errors += lead.errors + measured.errors;
        sum.perSlice.push(measured.turns / measured.elapsedMs);
        const other = 1 - i;
        sums[other]!.idleTicks += c1[other]! - c0[other]!;
      }
    }
    const end = cpuOf();
    const perTurn = (ticks: number, turns: number) => ((ticks / CLOCK_TICKS) * 1000) / Math.max(1, turns);
    const targets = sums.map((t, i) => ({
      name: t.name,
      customers: customers[i]!,
      turns: t.turns,
      seconds: t.ms / 1000,
      turnsPerSecond: (t.turns / t.ms) * 1000,
      serverCpuMsPerTurn: perTurn(end[i]! - start[i]!, t.allTurns),
      inSliceCpuMsPerTurn: perTurn(t.inSliceTicks, t.turns),
      idleCpuMsPerTurn: perTurn(t.idleTicks, t.turns),
      errors: t.errors,
    }));
    const sliceRatios = sums[0]!.perSlice.map((k, n) => k / sums[1]!.perSlice[n]!);
    const result: Interleaved = {
      sliceMs,
      leadMs,
      slices,
      targets,
      ratio: targets[0]!.turnsPerSecond / targets[1]!.turnsPerSecond,
      medianSliceRatio: percentile(sliceRatios, 50),
      ratioByCpu: targets[1]!.serverCpuMsPerTurn / targets[0]!.serverCpuMsPerTurn,
    };
    for (const t of targets)
      say(
        `side by side, ${t.name} (${t.customers} customers): ${t.turnsPerSecond.toFixed(0)} turns/s over ${slices} slices of ${sliceMs / 1000} s ` +
          `(after ${leadMs / 1000} s of load each), ${t.serverCpuMsPerTurn.toFixed(2)} ms server CPU/turn ` +
          `(in its slices ${t.inSliceCpuMsPerTurn.toFixed(2)}, while the other ran ${t.idleCpuMsPerTurn.toFixed(2)}), errors ${t.errors}`,
      );
    say(
      `side by side: ${specs[0]!.name}/${specs[1]!.name} ${result.ratio.toFixed(2)} (median of slice pairs ${result.medianSliceRatio.toFixed(2)}, ` +
        `by CPU per turn ${result.ratioByCpu.toFixed(2)})`,
    );
    return result;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

async function main() {
  const started = Date.now();
  const logDir = mkdtempSync(join(tmpdir(), 'kefu-bench-'));
  const redisServer = await startRedisServer();
  const redisPid = redisServer.process.pid!;
  const redis = new Redis(redisServer.url);
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: +(totalmem() / 2 ** 30).toFixed(1),
      loadavgAtStart: loadavg(),
    },
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    options: {
      durationMs,
      concurrency: flags.concurrency,
      workerCounts,
      scenarios: scenarios.map((s) => s.name),
      turnsPerConversation,
    },
  };
  say(
    `bench: ${cpus().length} cores (${cpus()[0]?.model}), load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; logs in ${logDir}`,
  );
  try {
    if (!flags['skip-redis-benchmark']) {
      say('redis-benchmark: GET/SET, 50 clients, unpipelined and -P 16 ...');
      const plain = redisBenchmark(redisServer.port, 1, 200_000);
      const pipelined = redisBenchmark(redisServer.port, 16, 1_000_000);
      report.redisBenchmark = { plain, pipelined };
      say(
        `redis-benchmark: ${plain.set.toFixed(0)} SET/s, ${plain.get.toFixed(0)} GET/s; -P 16: ${pipelined.set.toFixed(0)} SET/s, ${pipelined.get.toFixed(0)} GET/s`,
      );
      await redis.flushall();
    }
    const kefu: TargetSpec = {
      name: 'kefu',
      args: (w) => [
        ...V8_FLAGS,
        ...traceFlags,
        join(flags['kefu-root'] ?? ROOT, 'bin/kefu.js'),
        'start',
        ...(w > 1 ? ['--workers', String(w)] : []),
      ],
      workers: workerCounts,
      keyPattern: (u) => `kefu:{web:${u}}:*`,
    };
    const targets: TargetSpec[] = [kefu];
    const baselineEntry = join(ROOT, 'bench/baseline/server.ts');
    if (flags.versus) {
      const versus = flags.versus;
      targets.push({
        ...kefu,
        name: `kefu at ${versus}`,
        args: () => [...V8_FLAGS, ...traceFlags, join(versus, 'bin/kefu.js'), 'start'],
        workers: [1],
      });
    } else if (!flags['skip-baseline'] && existsSync(baselineEntry)) {
      targets.push({
        name: 'botframework-baseline',
        args: () => [...V8_FLAGS, ...traceFlags, '--import', 'tsx', baselineEntry],
        workers: [1],
        // ConversationState and UserState keys: `bf:web/conversations/<u>/`, `bf:web/users/<u>/`.
        keyPattern: (u) => `bf:web/*/${u}/`,
      });
    } else if (!flags['skip-baseline']) {
      say('baseline: bench/baseline/server.ts is not there: kefu only');
    }
    // Several rounds, kefu and the baseline alternating, which goes first too: a shared machine
    // drifts, and one pair of runs can land on either side of it.
    // --versus compares two checkouts side by side only.
    const rounds = flags.versus ? 0 : Math.max(1, Number(flags.rounds) || 1);
    const all: TargetFigures[][] = [];
    const ratios: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      if (rounds > 1) say(`round ${round} of ${rounds}`);
      const results: TargetFigures[] = [];
      for (const t of round % 2 === 1 ? targets : [...targets].reverse())
        results.push(
          ...(await benchTarget(t, { port: redisServer.port, url: redisServer.url, pid: redisPid }, redis, logDir)),
        );
      all.push(results);
      summarize(report, results);
      const ratio = (report.derived as Record<string, number>).kefuOverBaseline;
      if (ratio !== undefined) ratios.push(ratio);
    }
    report.targets = all[0];
    const sliceMs = Number(flags.interleave) * 1000;
    if (sliceMs > 0 && targets.length === 2) {
      // Each at the customers of its own last max phase (both at their maximum, as there).
      const last = all[all.length - 1] ?? [];
      const customers = targets.map(
        (t) => fixedConcurrency ?? last.find((r) => r.name === `${t.name} (workers=1)`)?.customers ?? UNSWEPT_CUSTOMERS,
      );
      report.sideBySide = await interleaved(targets, redisServer.url, redis, logDir, sliceMs, customers);
    }
    if (rounds > 1) {
      report.rounds = all;
      report.kefuOverBaselineByRound = ratios;
      const median = percentile(ratios, 50);
      say(`kefu/baseline by round: ${ratios.map((r) => r.toFixed(2)).join(', ')}; median ${median.toFixed(2)}`);
    }
  } finally {
    redis.disconnect();
    await redisServer.stop();
  }
  report.seconds = (Date.now() - started) / 1000;
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  say(`figures written to ${file} (${(report.seconds as number).toFixed(0)} s)`);
  rmSync(logDir, { recursive: true, force: true });
}

function summarize(report: Record<string, unknown>, results: TargetFigures[]) {
  const kefu1 = results.find((r) => r.name === 'kefu (workers=1)');
  const baseline = results.find((r) => r.name.startsWith('botframework'));
  const bench = report.redisBenchmark as { plain: { set: number; get: number } } | undefined;
  const lines = [
    '',
    '| target | customers | turns/s | p50 ms | p99 ms | Redis cmds/turn | server CPU % | CPU ms/turn | RSS MB | steal % | errors |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const [label, p] of [
      ['max', r.max],
      ['half load', r.half],
    ] as const) {
      if (!p) continue;
      lines.push(
        `| ${r.name} ${label} | ${label === 'max' ? (r.customers ?? '') : 'open loop'} | ${p.turnsPerSecond.toFixed(0)} | ${p.p50.toFixed(1)} | ${p.p99.toFixed(1)} | ${p.redisCommandsPerTurn.toFixed(2)} | ${p.serverCpuPercent.toFixed(0)} | ${p.serverCpuMsPerTurn.toFixed(2)} | ${p.serverRssMb.toFixed(0)} | ${p.stealPercent.toFixed(0)} | ${p.errors} |`,
      );
    }
  }
  const derived: Record<string, number> = {};
  if (kefu1?.max && baseline?.max) {
    derived.kefuOverBaseline = kefu1.max.turnsPerSecond / baseline.max.turnsPerSecond;
    // The steadier figure on a shared machine: server CPU time a turn costs, baseline over kefu.
    derived.kefuOverBaselineByCpu = baseline.max.serverCpuMsPerTurn / kefu1.max.serverCpuMsPerTurn;
  }
  if (kefu1?.max) {
    // Redis's own CPU per turn: scripts' inner calls cost far less than client commands, so this
    // is the truer limit (turns/s one Redis core can serve).
    const redisMs = (kefu1.max.redisCpuPercent * 10) / kefu1.max.turnsPerSecond;
    derived.redisCpuMsPerTurn = redisMs;
    if (redisMs > 0) derived.redisLimitByCpu = (1 / redisMs) * 1000;
    derived.loadgenCpuMsPerTurn = (kefu1.max.loadgenCpuPercent * 10) / kefu1.max.turnsPerSecond;
  }
  if (kefu1?.max && bench) {
    const ops = (bench.plain.set + bench.plain.get) / 2;
    derived.redisLimitTurnsPerSecond = ops / kefu1.max.redisCommandsPerTurn;
    derived.fractionOfRedisLimit = kefu1.max.turnsPerSecond / derived.redisLimitTurnsPerSecond;
    if (kefu1.calibration) derived.redisLimitByRoundTrips = ops / kefu1.calibration.roundTripsPerTurn;
  }
  if (kefu1?.max && kefu1.half) {
    // What a turn costs at half load against at max: when it is near 2, half load keeps the server
    // nearly as busy as max does, and every pause queues turns (BENCHMARKS.md, tenth session).
    derived.halfLoadCpuPerTurnOverMax = kefu1.half.serverCpuMsPerTurn / kefu1.max.serverCpuMsPerTurn;
    derived.halfLoadServerCpuPercent = kefu1.half.serverCpuPercent;
  }
  const w2 = results.find((r) => r.name === 'kefu (workers=2)');
  if (kefu1?.max && w2?.max) derived.scalingWorkers2 = w2.max.turnsPerSecond / kefu1.max.turnsPerSecond;
  report.derived = derived;
  for (const l of lines) say(l);
  for (const [k, v] of Object.entries(derived)) say(`${k}: ${v.toFixed(3)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
