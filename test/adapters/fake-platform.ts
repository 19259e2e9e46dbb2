import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { loadConfig } from '../../src/config/load.js';
import { createKefu, type Kefu, type KefuOverrides } from '../../src/main.js';

/** A request as a fake platform received it. */
export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  json?: unknown;
}

export type Answer = { status?: number; json?: unknown; body?: string; contentType?: string };

/**
 * A platform's API on 127.0.0.1 (node:http): records every request and answers with what
 * `respond` says (default: 200 `{}`).
 */
export class FakePlatform {
  readonly received: Received[] = [];
  respond: (r: Received) => Answer | undefined = () => undefined;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const body = Buffer.concat(chunks).toString('utf8');
        const r: Received = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
        };
        if (String(req.headers['content-type'] ?? '').includes('json') && body) r.json = JSON.parse(body);
        this.received.push(r);
        const answer = this.respond(r) ?? {};
        res.statusCode = answer.status ?? 200;
        res.setHeader('content-type', answer.contentType ?? 'application/json');
        res.end(answer.body ?? JSON.stringify(answer.json ?? {}));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  /** Requests to a path (prefix match). */
  at(path: string): Received[] {
    return this.received.filter((r) => r.path.startsWith(path));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A kefu configured from `env` only, with silent logs. */
export async function kefuWith(env: Record<string, string>, overrides: KefuOverrides = {}): Promise<Kefu> {
  return createKefu(loadConfig({ LOG_LEVEL: 'silent', ...env }, '/nonexistent/.env'), overrides);
}

let counter = 0;
/** A user id no other test uses. */
export const freshId = (prefix: string) => `${prefix}${process.pid}x${Date.now().toString(36)}x${++counter}`;

/** Wait until `check` holds (for deliveries made after the HTTP answer). */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
