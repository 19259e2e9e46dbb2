import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

/**
 * What the servers' garbage collections paused during a phase, read from V8's `--trace-gc` lines
 * in their logs: a p99 miss then shows whether a long full collection fell in the phase.
 */

/** Pauses of one phase: young-generation collections apart from full ones (the long ones). */
export interface GcPauses {
  scavenges: number;
  scavengeMeanMs: number;
  scavengeMaxMs: number;
  fullGcs: number;
  fullGcMaxMs: number;
  /** All pauses together, in ms. */
  totalMs: number;
}

// `[pid:isolate]   1234 ms: Scavenge 80.1 (100.0) -> 70.2 (100.0) MB, 7.18 / 0.00 ms  (...)`
// `... ms: Mark-Compact (reduce) 14.0 (29.6) -> 11.4 (15.1) MB, 7.31 / 0.02 ms  (+ 5.1 ms in ...)`
// The first figure after "MB," is the pause on the main thread. Anchored at V8's prefix, so text a
// log line quotes (a customer's message) is never read as a collection.
const LINE =
  /^\[\d+:0x[0-9a-f]+\]\s+[\d.]+ ms: (Scavenge|Minor Mark-Compact|Mark-Compact|Mark-Sweep)(?: \([^)]*\))? [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, ([\d.]+) \/ [\d.]+ ms/;

/** Sum up the `--trace-gc` lines of a log excerpt; other lines are ignored. */
export function gcPauses(log: string): GcPauses {
  const young: number[] = [];
  const full: number[] = [];
  for (const line of log.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const ms = Number(m[2]);
    if (!Number.isFinite(ms)) continue;
    (m[1] === 'Scavenge' || m[1] === 'Minor Mark-Compact' ? young : full).push(ms);
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    scavenges: young.length,
    scavengeMeanMs: young.length ? sum(young) / young.length : 0,
    scavengeMaxMs: young.length ? Math.max(...young) : 0,
    fullGcs: full.length,
    fullGcMaxMs: full.length ? Math.max(...full) : 0,
    totalMs: sum(young) + sum(full),
  };
}

/** One line for the progress display. */
export function describeGcPauses(p: GcPauses): string {
  return (
    `GC ${p.scavenges} scavenges (mean ${p.scavengeMeanMs.toFixed(1)}, max ${p.scavengeMaxMs.toFixed(1)} ms), ` +
    `${p.fullGcs} full (max ${p.fullGcMaxMs.toFixed(1)} ms)`
  );
}

/** A log file's current size: where the next phase's lines start. */
export function logSize(file: string): number {
  return statSync(file).size;
}

/** A log file from `offset` to its current end. */
export function readLogFrom(file: string, offset: number): string {
  const fd = openSync(file, 'r');
  try {
    const length = Math.max(0, fstatSync(fd).size - offset);
    const buffer = Buffer.alloc(length);
    const read = length > 0 ? readSync(fd, buffer, 0, length, offset) : 0;
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
