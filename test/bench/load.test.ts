import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load.js';
import type { Scenario } from '../../bench/scenarios.js';

const SCENARIO: Scenario = {
  name: 'echo',
  locale: 'zh-CN',
  steps: [
    { text: '一', expect: /^一$/ },
    { text: '二', expect: /^二$/ },
    { text: '三', expect: /^三$/ },
  ],
};

/** A server that answers each message with its own text (or not, per `answer`) and counts turns per user. */
async function stub(answer: (text: string, turn: number) => { status: number; text: string }): Promise<Server> {
  const turns = new Map<string, number>();
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as { userId: string; text: string };
      const turn = (turns.get(body.userId) ?? 0) + 1;
      turns.set(body.userId, turn);
      const { status, text } = answer(body.text, turn);
      res.writeHead(status, { 'content-type': 'application/json', 'x-kefu-turn': String(turn) });
      res.end(JSON.stringify({ replies: [{ text }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Closed-loop customers against `server` until `maxTurns` turns have been taken. */
const closedLoad = (server: Server, concurrency: number, userPrefix: string, maxTurns: number) =>
  runLoad({
    mode: 'closed',
    concurrency,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    scenarios: [SCENARIO],
    userPrefix,
    durationMs: 30_000,
    maxTurns,
  });

describe('bench load generator', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('runs closed-loop customers through whole conversations, counting turns and latencies', async () => {
    server = await stub((text) => ({ status: 200, text }));
    const result = await closedLoad(server, 4, 'ok', 30);
    expect(result.errors).toBe(0);
    expect(result.turns).toBe(30);
    expect(result.latencies).toHaveLength(30);
    expect(result.conversations).toBeGreaterThanOrEqual(10);
    // Each turn's end time is within the phase and no earlier than its own latency.
    expect(result.endedAtMs).toHaveLength(30);
    result.endedAtMs.forEach((at, i) => {
      expect(at).toBeGreaterThanOrEqual(result.latencies[i]!);
      expect(at).toBeLessThanOrEqual(result.elapsedMs);
    });
  });

  it('counts a wrong answer and an HTTP error as errors, not throughput', async () => {
    server = await stub((text, turn) =>
      text === '二'
        ? { status: 200, text: 'wrong' }
        : text === '三'
          ? { status: 503, text }
          : { status: 200, text: turn > 1 ? '?' : text },
    );
    const result = await closedLoad(server, 1, 'bad', 3);
    expect(result.turns).toBe(3);
    expect(result.errors).toBe(2);
    expect(result.errorSamples).toEqual(['echo#1: unexpected reply "wrong"', 'echo#2: HTTP 503']);
  });
});
