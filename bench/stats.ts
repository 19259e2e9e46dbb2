/**
 * Pure helpers of the benchmark: percentiles, Redis INFO parsing and deltas, /proc figures.
 * Kept free of I/O so they can be tested without a server.
 */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** One window of a phase: when it starts (ms into the phase), how many turns ended in it, their p99. */
export interface LatencyWindow {
  startMs: number;
  turns: number;
  p99: number;
}

/**
 * The p99 of the turns that ended in each `windowMs` of a phase (`endedAtMs[i]` is when the turn
 * of `latencies[i]` ended, ms into the phase). Shows whether a phase's p99 comes from a spell
 * (a long collection, a stalled host) or from the whole phase. Windows where no turn ended are
 * left out.
 */
export function latencyWindows(
  latencies: readonly number[],
  endedAtMs: readonly number[],
  windowMs: number,
): LatencyWindow[] {
  if (latencies.length !== endedAtMs.length) throw new Error('one end time per latency');
  if (!(windowMs > 0)) throw new Error('windowMs must be positive');
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < latencies.length; i++) {
    const at = Math.max(0, Math.floor(endedAtMs[i]! / windowMs));
    let bucket = buckets.get(at);
    if (!bucket) buckets.set(at, (bucket = []));
    bucket.push(latencies[i]!);
  }
  return [...buckets]
    .sort((a, b) => a[0] - b[0])
    .map(([at, samples]) => ({ startMs: at * windowMs, turns: samples.length, p99: percentile(samples, 99) }));
}

/** The windows whose p99 is above `limitMs`, and the worst one (undefined when there are none). */
export function windowsOver(
  windows: readonly LatencyWindow[],
  limitMs: number,
): { over: number; worst: LatencyWindow | undefined } {
  let worst: LatencyWindow | undefined;
  let over = 0;
  for (const w of windows) {
    if (w.p99 > limitMs) over++;
    if (!worst || w.p99 > worst.p99) worst = w;
  }
  return { over, worst };
}

/** `INFO` output as `section -> field -> value` (sections lower-cased, e.g. `commandstats`). */
export function parseInfo(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  sections.set('', current);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      current = new Map();
      sections.set(line.slice(1).trim().toLowerCase(), current);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) current.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return sections;
}

/** Calls per command from `INFO commandstats` (`cmdstat_get:calls=3,usec=...` -> get: 3). */
export function commandCalls(info: Map<string, Map<string, string>>): Map<string, number> {
  const calls = new Map<string, number>();
  for (const [field, value] of info.get('commandstats') ?? []) {
    const m = /(?:^|,)calls=(\d+)/.exec(value);
    if (field.startsWith('cmdstat_') && m) calls.set(field.slice('cmdstat_'.length), Number(m[1]));
  }
  return calls;
}

/** after - before per command, dropping commands that did not move. */
export function callDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [cmd, n] of after) {
    const d = n - (before.get(cmd) ?? 0);
    if (d > 0) delta.set(cmd, d);
  }
  return delta;
}

/** A numeric field of a parsed INFO section, NaN when absent. */
export function infoNumber(info: Map<string, Map<string, string>>, section: string, field: string): number {
  const v = info.get(section)?.get(field);
  return v === undefined ? Number.NaN : Number(v);
}

export interface ProcSample {
  /** user + system CPU time, in clock ticks. */
  cpuTicks: number;
  /** Resident set, in pages. */
  rssPages: number;
}

/** Fields 14-15 (utime, stime) and 24 (rss) of `/proc/<pid>/stat`; the command name may hold spaces. */
export function parseProcStat(text: string): ProcSample {
  const close = text.lastIndexOf(')');
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state): field n is rest[n - 3].
  const num = (field: number) => Number(rest[field - 3]);
  return { cpuTicks: num(14) + num(15), rssPages: num(24) };
}

/** The machine's CPU time so far, from the `cpu` line of `/proc/stat`, in clock ticks. */
export interface MachineCpu {
  /** Every state counted (user, nice, system, idle, iowait, irq, softirq, steal). */
  total: number;
  /** Time the hypervisor gave this machine's virtual CPUs to someone else. */
  steal: number;
}

/** Parse `/proc/stat`'s first line: `cpu user nice system idle iowait irq softirq steal guest guest_nice`. */
export function parseMachineCpu(text: string): MachineCpu {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('no cpu line in /proc/stat');
  // guest and guest_nice are already inside user and nice.
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 4 || f.some((n) => !Number.isFinite(n) || n < 0))
    throw new Error(`bad cpu line in /proc/stat: ${line}`);
  return { total: f.reduce((a, b) => a + b, 0), steal: f[7] ?? 0 };
}

/** The share of the machine's CPU time taken by the hypervisor between two readings, in percent. */
export function stealPercent(before: MachineCpu, after: MachineCpu): number {
  const total = after.total - before.total;
  return total > 0 ? ((after.steal - before.steal) / total) * 100 : 0;
}

/** Streaming counter of RESP commands (top-level arrays) in a client-to-server byte stream. */
export class RespCommandCounter {
  commands = 0;
  /** Commands seen, by name (first argument, lower-cased). */
  readonly names = new Map<string, number>();
  private buffer: Buffer = Buffer.alloc(0);

  /** Feed bytes as they arrive; returns how many commands completed in them. */
  push(chunk: Buffer): number {
    const start = this.commands;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let pos = 0;
    for (;;) {
      const end = this.parseOne(pos);
      if (end < 0) break;
      pos = end;
    }
    this.buffer = this.buffer.subarray(pos);
    return this.commands - start;
  }

  /** Parse one whole command at `pos`; returns where it ends, or -1 when it is not all here yet. */
  private parseOne(pos: number): number {
    const b = this.buffer;
    const eol = b.indexOf('\r\n', pos);
    if (eol < 0) return -1;
    if (b[pos] !== 0x2a /* '*' */) {
      // Inline command (redis-cli style): one line, one command.
      this.count(b.toString('latin1', pos, eol).trim().split(/\s+/)[0] ?? '');
      return eol + 2;
    }
    const args = Number(b.toString('latin1', pos + 1, eol));
    let at = eol + 2;
    let name = '';
    for (let i = 0; i < args; i++) {
      const lineEnd = b.indexOf('\r\n', at);
      if (lineEnd < 0) return -1;
      const len = Number(b.toString('latin1', at + 1, lineEnd));
      const dataEnd = lineEnd + 2 + len;
      if (dataEnd + 2 > b.length) return -1;
      if (i === 0) name = b.toString('latin1', lineEnd + 2, dataEnd);
      at = dataEnd + 2;
    }
    this.count(name);
    return at;
  }

  private count(name: string): void {
    this.commands++;
    const key = name.toLowerCase();
    this.names.set(key, (this.names.get(key) ?? 0) + 1);
  }
}

/** A level of a customers sweep: how many customers, and the turns/s they drove. */
export interface SweepLevel {
  customers: number;
  turnsPerSecond: number;
}

/**
 * The knee of a sweep: the fewest customers whose turns/s come within `within` (a fraction) of the
 * best level's. Past it more customers only wait longer (a closed loop's latency grows with them),
 * and on a machine that drifts by a few per cent a "best" a hair above it is noise.
 */
export function kneeLevel(levels: readonly SweepLevel[], within = 0.05): SweepLevel {
  if (levels.length === 0) throw new Error('no sweep levels');
  const best = Math.max(...levels.map((l) => l.turnsPerSecond));
  const near = levels.filter((l) => l.turnsPerSecond >= best * (1 - within));
  return near.reduce((a, b) => (b.customers < a.customers ? b : a));
}
