import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RespCommandCounter,
  callDelta,
  commandCalls,
  infoNumber,
  parseInfo,
  parseMachineCpu,
  parseProcStat,
  percentile,
  stealPercent,
  kneeLevel,
  latencyWindows,
  windowsOver,
} from '../../bench/stats.js';

describe('percentile', () => {
  it('takes the nearest rank of the sorted samples', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 90)).toBe(9);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('is a sample, never below p50 for p99, and the maximum at 100', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: 0, max: 1e6 }), { minLength: 1 }), (xs) => {
        expect(xs).toContain(percentile(xs, 99));
        expect(percentile(xs, 99)).toBeGreaterThanOrEqual(percentile(xs, 50));
        expect(percentile(xs, 100)).toBe(Math.max(...xs));
      }),
    );
  });
});

const INFO = [
  '# Server',
  'redis_version:7.0.15',
  '',
  '# Memory',
  'used_memory:1048576',
  '# Commandstats',
  'cmdstat_evalsha:calls=30,usec=900,usec_per_call=30.00,rejected_calls=0,failed_calls=0',
  'cmdstat_get:calls=7,usec=7,usec_per_call=1.00,rejected_calls=0,failed_calls=0',
  'cmdstat_config|resetstat:calls=1,usec=116,usec_per_call=116.00,rejected_calls=0,failed_calls=0',
  '# Keyspace',
  'db0:keys=12,expires=10,avg_ttl=86399',
].join('\r\n');

describe('INFO parsing', () => {
  it('reads sections, numbers and command calls', () => {
    const info = parseInfo(INFO);
    expect(infoNumber(info, 'memory', 'used_memory')).toBe(1048576);
    expect(infoNumber(info, 'memory', 'absent')).toBeNaN();
    expect(info.get('keyspace')?.get('db0')).toBe('keys=12,expires=10,avg_ttl=86399');
    expect([...commandCalls(info)]).toEqual([
      ['evalsha', 30],
      ['get', 7],
      ['config|resetstat', 1],
    ]);
  });

  it('keeps only the commands that moved', () => {
    const before = new Map([
      ['get', 7],
      ['set', 2],
    ]);
    const after = new Map([
      ['get', 10],
      ['set', 2],
      ['evalsha', 4],
    ]);
    expect([...callDelta(before, after)]).toEqual([
      ['get', 3],
      ['evalsha', 4],
    ]);
  });
});

describe('/proc/<pid>/stat', () => {
  it('reads CPU ticks and RSS even when the command name holds spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 1));
    fields[13] = '150'; // utime (field 14)
    fields[14] = '50'; // stime (field 15)
    fields[23] = '2048'; // rss (field 24)
    const text = `1234 (node (kefu) x) ${fields.slice(2).join(' ')}\n`;
    expect(parseProcStat(text)).toEqual({ cpuTicks: 200, rssPages: 2048 });
  });
});

describe('/proc/stat steal', () => {
  const stat = (f: number[]) => `cpu  ${f.join(' ')}\ncpu0 ${f.join(' ')}\nintr 1 2\n`;

  it('sums the eight states and reads steal from the machine line, guest time not counted twice', () => {
    expect(parseMachineCpu(stat([10, 1, 5, 100, 2, 0, 3, 7, 4, 0]))).toEqual({ total: 128, steal: 7 });
    expect(parseMachineCpu(stat([10, 1, 5, 100]))).toEqual({ total: 116, steal: 0 });
  });

  it('gives steal as a share of the time between two readings, within 0-100%', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(1e9), { minLength: 8, maxLength: 8 }),
        fc.array(fc.nat(1e6), { minLength: 8, maxLength: 8 }),
        (start, added) => {
          const before = parseMachineCpu(stat(start));
          const after = parseMachineCpu(stat(start.map((n, i) => n + added[i]!)));
          const sum = added.reduce((a, b) => a + b, 0);
          const share = stealPercent(before, after);
          expect(share).toBeCloseTo(sum === 0 ? 0 : (added[7]! / sum) * 100, 9);
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(100);
        },
      ),
    );
  });

  it('refuses a file without a machine line or with a bad one', () => {
    expect(() => parseMachineCpu('cpu0 1 2 3 4\n')).toThrow('no cpu line');
    expect(() => parseMachineCpu('cpu 1 2 x 4\n')).toThrow('bad cpu line');
  });
});

const resp = (...args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

describe('RESP command counter', () => {
  it('counts commands and names them, whatever the chunking', () => {
    const stream = Buffer.from(
      resp('EVALSHA', 'abc', '1', 'kefu:{web:u}:seq', 'x\r\ny') +
        resp('get', 'k') +
        'PING\r\n' +
        resp('MULTI') +
        resp('rpush', 'k', '你好') +
        resp('EXEC'),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 6 }), (cuts) => {
        const counter = new RespCommandCounter();
        let total = 0;
        let from = 0;
        for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
          total += counter.push(stream.subarray(from, cut));
          from = cut;
        }
        total += counter.push(stream.subarray(from));
        expect(total).toBe(6);
        expect(Object.fromEntries(counter.names)).toEqual({ evalsha: 1, get: 1, ping: 1, multi: 1, rpush: 1, exec: 1 });
      }),
    );
  });
});

describe('customers sweep', () => {
  const level = (customers: number, turnsPerSecond: number) => ({ customers, turnsPerSecond });

  it('picks the fewest customers that come within 5% of the best level', () => {
    expect(kneeLevel([level(64, 3000), level(128, 4000), level(256, 3900), level(512, 4100)])).toEqual(
      level(128, 4000),
    );
    expect(kneeLevel([level(64, 3000), level(128, 3000)])).toEqual(level(64, 3000));
    expect(kneeLevel([level(64, 1000), level(128, 1119), level(256, 1002), level(512, 1126)])).toEqual(
      level(128, 1119),
    );
    expect(() => kneeLevel([])).toThrow();
  });

  it('always picks a level it measured, within 5% of the best, and no level with fewer customers is', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: 1, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 6 }), (rates) => {
        const levels = rates.map((r, i) => level(64 << i, r));
        const best = Math.max(...rates);
        const knee = kneeLevel(levels);
        expect(levels).toContain(knee);
        expect(knee.turnsPerSecond).toBeGreaterThanOrEqual(best * 0.95);
        for (const l of levels) if (l.customers < knee.customers) expect(l.turnsPerSecond).toBeLessThan(best * 0.95);
      }),
    );
  });
});

describe('latencyWindows', () => {
  it('takes the p99 of the turns that ended in each window, in time order, skipping empty ones', () => {
    const latencies = [3, 40, 5, 7, 90, 2];
    const endedAt = [100, 999, 1000, 1500, 3200, 3999];
    expect(latencyWindows(latencies, endedAt, 1000)).toEqual([
      { startMs: 0, turns: 2, p99: 40 },
      { startMs: 1000, turns: 2, p99: 7 },
      { startMs: 3000, turns: 2, p99: 90 },
    ]);
    expect(windowsOver(latencyWindows(latencies, endedAt, 1000), 25)).toEqual({
      over: 2,
      worst: { startMs: 3000, turns: 2, p99: 90 },
    });
    expect(windowsOver([], 25)).toEqual({ over: 0, worst: undefined });
  });

  it('refuses mismatched inputs and a window that is not positive', () => {
    expect(() => latencyWindows([1, 2], [0], 1000)).toThrow(/one end time per latency/);
    expect(() => latencyWindows([1], [0], 0)).toThrow(/positive/);
  });

  it('keeps every turn once, and no window p99 is above the phase maximum or below its minimum', () => {
    const turn = fc.record({ latency: fc.double({ noNaN: true, min: 0, max: 1e4 }), at: fc.nat(60_000) });
    fc.assert(
      fc.property(fc.array(turn, { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 5000 }), (turns, w) => {
        const lat = turns.map((t) => t.latency);
        const windows = latencyWindows(
          lat,
          turns.map((t) => t.at),
          w,
        );
        expect(windows.reduce((n, x) => n + x.turns, 0)).toBe(turns.length);
        for (let i = 1; i < windows.length; i++) expect(windows[i]!.startMs).toBeGreaterThan(windows[i - 1]!.startMs);
        for (const x of windows) {
          expect(x.startMs % w).toBe(0);
          expect(x.p99).toBeLessThanOrEqual(Math.max(...lat));
          expect(x.p99).toBeGreaterThanOrEqual(Math.min(...lat));
        }
        // The phase's p99 is never above its worst window's.
        expect(percentile(lat, 99)).toBeLessThanOrEqual(windowsOver(windows, 0).worst!.p99);
      }),
    );
  });
});
