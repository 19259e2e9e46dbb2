import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/redis-server.js';
import { parseProcStat, type ProcSample } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
export const PAGE_SIZE = Number(spawnSync('getconf', ['PAGESIZE']).stdout.toString().trim()) || 4096;

export interface ServerUnderTest {
  name: string;
  url: string;
  pid: number;
  /** Its standard output and error (V8's `--trace-gc` lines among them). */
  logFile: string;
  stop(): Promise<void>;
}

/** Start a server (kefu or the baseline) on a free loopback port; logs go to a file, as in production. */
export async function startServer(
  name: string,
  args: string[],
  env: Record<string, string>,
  logDir: string,
): Promise<ServerUnderTest> {
  const port = await freePort();
  const logFile = join(logDir, `${name.replace(/\W+/g, '-')}.log`);
  const fd = openSync(logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1', CI: 'true' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
    if (i > 1200) throw new Error(`${name} did not answer /healthz within 60 s; see ${logFile}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    name,
    url,
    pid: child.pid!,
    logFile,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU ticks and RSS of a process and all its descendants (cluster workers). */
export function sampleTree(pid: number): ProcSample {
  const parents = new Map<number, number>();
  const samples = new Map<number, ProcSample>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
      samples.set(Number(entry), parseProcStat(text));
    } catch {
      // exited while we looked
    }
  }
  const total: ProcSample = { cpuTicks: 0, rssPages: 0 };
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of parents) {
      if (!tree.has(p) && tree.has(pp)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  for (const p of tree) {
    const s = samples.get(p);
    if (s) {
      total.cpuTicks += s.cpuTicks;
      total.rssPages += s.rssPages;
    }
  }
  return total;
}

/** `redis-benchmark` against the same redis-server: GET/SET operations per second. */
export function redisBenchmark(port: number, pipeline: number, requests: number): { set: number; get: number } {
  const out = spawnSync(
    'redis-benchmark',
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-t',
      'set,get',
      '-n',
      String(requests),
      '-c',
      '50',
      '-P',
      String(pipeline),
      '--csv',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (out.error) throw out.error;
  const rps = (test: string) => {
    const line = out.stdout.split('\n').find((l) => l.startsWith(`"${test}"`));
    return line ? Number(line.split(',')[1]?.replace(/"/g, '')) : Number.NaN;
  };
  return { set: rps('SET'), get: rps('GET') };
}
