import { loadConfig } from '../../src/config/load.js';
import { createKefu, type Kefu, type KefuOverrides } from '../../src/main.js';

/** A kefu instance for tests: configuration from `env` only (no .env file), silent logs unless asked. */
export async function testKefu(env: Record<string, string> = {}, overrides: KefuOverrides = {}): Promise<Kefu> {
  return createKefu(loadConfig({ LOG_LEVEL: 'silent', ...env }, '/nonexistent/.env'), overrides);
}

/** A clock tests move by hand. */
export class TestClock {
  constructor(public t = Date.UTC(2026, 10, 25, 2, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

let counter = 0;
/** A user id no other test uses, so tests can share one Redis. */
export function uniqueUser(prefix = 'u'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;
}
