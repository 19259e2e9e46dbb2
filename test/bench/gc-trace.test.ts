import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeGcPauses, gcPauses, logSize, readLogFrom } from '../../bench/gc-trace.js';

// Lines as Node 20's V8 prints them, between a server's own log lines.
const SAMPLE = [
  '{"level":30,"time":1796071810779,"app":"kefu","msg":"turn","ms":1.2}',
  '[11452:0x22d82d50]     2671 ms: Scavenge 80.1 (100.0) -> 70.2 (100.0) MB, 7.18 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ',
  '[11452:0x22d82d50]     2999 ms: Scavenge 81.0 (100.0) -> 70.9 (100.0) MB, 4.82 / 0.01 ms  (average mu = 0.990, current mu = 0.990) task; ',
  '[11452:0x22d82d50]    14231 ms: Mark-Compact 123.1 (241.0) -> 49.3 (234.0) MB, 15.34 / 0.23 ms  (+ 30.9 ms in 54 steps since start of marking, biggest step 8.3 ms, walltime since start of marking 76 ms) (average mu = 0.989, current mu = 0.989) finalize incremental marking via task; GC in old space requested',
  '[11452:0x7f5fdc000f00]    40624 ms: Mark-Compact (reduce) 14.0 (29.6) -> 11.4 (15.1) MB, 7.31 / 0.02 ms  (+ 5.1 ms in 60 steps since start of marking, biggest step 0.3 ms) (average mu = 1.000, current mu = 1.000) finalize incremental marking via task; GC in old space requested',
  '{"level":40,"msg":"a user wrote: 12 ms: Scavenge MB, 99 / 0 ms"}',
].join('\n');

describe('gcPauses', () => {
  it('sums young and full collections from V8 trace lines, ignoring the rest', () => {
    const p = gcPauses(SAMPLE);
    expect(p.scavenges).toBe(2);
    expect(p.scavengeMeanMs).toBeCloseTo(6.0, 5);
    expect(p.scavengeMaxMs).toBe(7.18);
    expect(p.fullGcs).toBe(2);
    expect(p.fullGcMaxMs).toBe(15.34);
    expect(p.totalMs).toBeCloseTo(7.18 + 4.82 + 15.34 + 7.31, 5);
    expect(describeGcPauses(p)).toBe('GC 2 scavenges (mean 6.0, max 7.2 ms), 2 full (max 15.3 ms)');
  });

  it('is all zeros for a log without collections', () => {
    expect(gcPauses('{"msg":"hello"}\n\n')).toEqual({
      scavenges: 0,
      scavengeMeanMs: 0,
      scavengeMaxMs: 0,
      fullGcs: 0,
      fullGcMaxMs: 0,
      totalMs: 0,
    });
  });

  it('counts every collection line, whatever the other lines hold', () => {
    const kind: fc.Arbitrary<string> = fc.constantFrom(
      'Scavenge',
      'Mark-Compact',
      'Mark-Compact (reduce)',
      'Minor Mark-Compact',
    );
    const event = fc.record({ kind, pause: fc.integer({ min: 0, max: 500_000 }).map((n) => n / 1000) });
    const noise = fc.string({ maxLength: 80 }).map((t) => JSON.stringify({ level: 30, msg: t.replace(/\n/g, ' ') }));
    fc.assert(
      fc.property(fc.array(fc.oneof(event, noise), { maxLength: 40 }), (items) => {
        let t = 100;
        const lines = items.map((it) =>
          typeof it === 'string'
            ? it
            : `[1:0x1]  ${(t += 7)} ms: ${it.kind} 10.0 (12.0) -> 8.0 (12.0) MB, ${it.pause.toFixed(3)} / 0.01 ms  (average mu = 1.000) task; `,
        );
        const events = items.filter((it): it is { kind: string; pause: number } => typeof it !== 'string');
        const young = events.filter((e) => e.kind === 'Scavenge' || e.kind === 'Minor Mark-Compact');
        const full = events.filter((e) => !young.includes(e));
        const p = gcPauses(lines.join('\n'));
        expect(p.scavenges).toBe(young.length);
        expect(p.fullGcs).toBe(full.length);
        expect(p.scavengeMaxMs).toBe(young.length ? Math.max(...young.map((e) => e.pause)) : 0);
        expect(p.fullGcMaxMs).toBe(full.length ? Math.max(...full.map((e) => e.pause)) : 0);
        expect(p.totalMs).toBeCloseTo(
          events.reduce((a, e) => a + e.pause, 0),
          6,
        );
      }),
    );
  });

  it("reads this node's own --trace-gc output", () => {
    const run = spawnSync(
      process.execPath,
      [
        '--trace-gc',
        '--expose-gc',
        '-e',
        'let keep = []; for (let i = 0; i < 300000; i++) keep.push({ i }); keep = null; globalThis.gc();',
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    const p = gcPauses(run.stdout);
    expect(p.scavenges).toBeGreaterThan(0);
    expect(p.fullGcs).toBeGreaterThan(0);
    expect(p.totalMs).toBeGreaterThan(0);
  });
});

describe('readLogFrom', () => {
  it('returns what was written after the offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-gc-'));
    try {
      const file = join(dir, 'server.log');
      writeFileSync(file, 'before the phase\n');
      const offset = logSize(file);
      expect(readLogFrom(file, offset)).toBe('');
      appendFileSync(file, 'during the phase: 你好\n');
      expect(readLogFrom(file, offset)).toBe('during the phase: 你好\n');
      expect(readLogFrom(file, 0)).toBe('before the phase\nduring the phase: 你好\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
