import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/redis-server.js';
import { postWeb } from '../support/server-process.js';
import { uniqueUser } from '../support/kefu.js';

const BIN = fileURLToPath(new URL('../../bin/kefu.js', import.meta.url));

/** `kefu start --workers 2`: two processes behind one port, turns still in order, SIGTERM drains both. */
describe('kefu start --workers', () => {
  it('serves through two workers with per-conversation order kept, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    let output = '';
    const child = spawn(process.execPath, [BIN, 'start', '--workers', '2'], {
      env: {
        ...process.env,
        REDIS_URL: inject('redisUrl'),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        CI: 'true',
        RATE_LIMIT_IP_PER_MINUTE: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const url = `http://127.0.0.1:${port}`;
    // Both workers up: each logs once that it listens.
    for (let i = 0; i < 600 && (output.match(/kefu listening/g) ?? []).length < 2; i++) {
      if (child.exitCode !== null) throw new Error(output);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((output.match(/kefu listening/g) ?? []).length).toBe(2);

    // Many conversations at once, each firing its messages without waiting: arrival order holds.
    const users = Array.from({ length: 8 }, () => uniqueUser('workers'));
    const results = await Promise.all(
      users.map(async (userId) => {
        const turns: number[] = [];
        for (const text of ['你好', '办理需要什么材料', '再见']) {
          const r = await postWeb(url, { userId, text });
          expect(r.status).toBe(200);
          turns.push(r.turn);
        }
        return turns;
      }),
    );
    for (const turns of results) expect(turns).toEqual([1, 2, 3]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/shutting down workers/);
  }, 90_000);

  it('refuses several workers without Redis (in-memory stores are per process)', async () => {
    const child = spawn(process.execPath, [BIN, 'start', '--workers', '2'], {
      env: { ...process.env, REDIS_URL: '', PORT: String(await freePort()), CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(78);
    expect(err).toMatch(/REDIS_URL/);
  }, 60_000);

  it('stops with an error when the workers cannot start (port taken) instead of forking forever', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const child = spawn(process.execPath, [BIN, 'start', '--workers', '2'], {
        env: { ...process.env, REDIS_URL: inject('redisUrl'), PORT: String(port), HOST: '127.0.0.1', CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(output).toMatch(/EADDRINUSE/);
      expect(output).toMatch(/worker failed to start/);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
