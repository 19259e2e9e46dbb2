import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('../../src/log/logger.ts', import.meta.url));

/** A process that logs one line with the production logger (standard output), then `then`. */
function logOnce(then: 'throw' | 'exit' | 'stay') {
  const script = `
    const { createLogger } = await import(${JSON.stringify(LOGGER)});
    createLogger('info').info({ phone: '13812345678' }, 'one line');
    if (${JSON.stringify(then)} === 'throw') throw new Error('boom');
    if (${JSON.stringify(then)} === 'exit') process.exit(3);
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { child, output: () => out };
}

const lineOf = (out: string) => JSON.parse(out.trim().split('\n')[0] ?? 'null') as Record<string, unknown> | null;

it.each(['throw', 'exit'] as const)('writes buffered lines before the process ends (%s)', async (then) => {
  const { child, output } = logOnce(then);
  const [code] = (await once(child, 'close')) as [number];
  expect(code).not.toBe(0);
  expect(lineOf(output())).toMatchObject({ msg: 'one line', phone: '[redacted]' });
});

it('writes a line of a quiet process without waiting for the buffer to fill', async () => {
  const { child, output } = logOnce('stay');
  try {
    // No deadline of our own: the line must come while the process keeps running (vitest's
    // timeout fails the test if it never does).
    while (!output().includes('\n')) await once(child.stdout, 'data');
    expect(lineOf(output())).toMatchObject({ msg: 'one line' });
    expect(child.exitCode).toBeNull();
  } finally {
    child.kill();
  }
});
