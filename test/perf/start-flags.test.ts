import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(root + path, 'utf8');

/** The node flags before `bin/kefu.js` in a command line. */
function flagsBefore(command: string): string[] {
  const words = command.trim().split(/\s+/);
  const bin = words.findIndex((w) => w.endsWith('bin/kefu.js'));
  return words.slice(0, bin).filter((w) => w.startsWith('--'));
}

describe('the V8 flags kefu starts with', () => {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  const fromNpmStart = flagsBefore(pkg.scripts.start!);
  const shebang = read('bin/kefu.js').split('\n')[0]!;
  const fromBin = shebang
    .replace(/^#!\/usr\/bin\/env -S node/, '')
    .trim()
    .split(/\s+/);
  const execStart = /^ExecStart=(.*)$/m.exec(read('docs/deployment.md'))?.[1] ?? '';
  const fromUnit = flagsBefore(execStart);

  it('are the same in npm start, bin/kefu.js and the systemd unit', () => {
    expect(fromNpmStart).toContain('--no-allocation-site-pretenuring');
    expect(fromNpmStart).toContain('--max-semi-space-size=64');
    expect(fromBin).toEqual(fromNpmStart);
    expect(fromUnit).toEqual(fromNpmStart);
  });

  it('are flags this node accepts', () => {
    // node refuses an unknown flag: the process would not start at all.
    const run = spawnSync(process.execPath, [...fromNpmStart, '-e', 'console.log(process.execArgv.join(" "))'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split(' ').slice(0, fromNpmStart.length)).toEqual(fromNpmStart);
    const unknown = spawnSync(process.execPath, ['--no-such-v8-flag-at-all', '-e', ''], { encoding: 'utf8' });
    expect(unknown.status).not.toBe(0);
  });
});
