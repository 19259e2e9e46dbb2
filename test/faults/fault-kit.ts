import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** SIGKILL a child (redis-server or kefu) and wait until it is gone: no shutdown, no flush. */
export async function hardKill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

/** Poll `probe` until it returns true; throws after `tries` (bounded, never a hang). */
export async function eventually(probe: () => Promise<boolean>, tries = 200, pauseMs = 50): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error('condition not reached');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A local stand-in for a platform or model API whose behaviour a test sets per request. */
export interface FakeApi {
  url: string;
  requests: { path: string; body: string }[];
  close(): Promise<void>;
}

export async function fakeApi(
  respond: (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>,
): Promise<FakeApi> {
  const requests: FakeApi['requests'] = [];
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', body });
      open.add(res);
      res.on('close', () => open.delete(res));
      void respond(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** An OpenAI chat-completions answer classifying the message as `intent`. */
export function completion(intent: string): string {
  return JSON.stringify({
    id: 'c1',
    object: 'chat.completion',
    created: 0,
    model: 'fake',
    choices: [
      {
        index: 0,
        finish_reason: 'tool_calls',
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 't1',
              type: 'function',
              function: { name: 'classify', arguments: JSON.stringify({ intent, confidence: 0.9, entities: [] }) },
            },
          ],
        },
      },
    ],
  });
}
