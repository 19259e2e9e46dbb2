import { PlainHttpClient } from './http-client.js';
import { scenarioFor, type Scenario } from './scenarios.js';

/** What one phase of load produced. */
export interface LoadResult {
  turns: number;
  conversations: number;
  errors: number;
  /** First few error descriptions, for the report. */
  errorSamples: string[];
  /** Turn latencies in ms. */
  latencies: number[];
  /** When each of those turns ended, ms into the phase (same order). */
  endedAtMs: number[];
  elapsedMs: number;
}

export interface LoadOptions {
  baseUrl: string;
  scenarios: readonly Scenario[];
  /** Prefix of the simulated customers' user ids (unique per phase and target). */
  userPrefix: string;
  durationMs: number;
  /** Hard cap on turns, whatever the duration. */
  maxTurns: number;
  /** Called about twice a second with the running totals. */
  onProgress?: (snapshot: { turns: number; errors: number; elapsedMs: number; inFlight: number }) => void;
}

/** Closed loop: `concurrency` customers, each sends its next turn as soon as it has the answer. */
export interface ClosedLoop extends LoadOptions {
  mode: 'closed';
  concurrency: number;
}

/** Open loop: conversations start at a fixed rate whatever the latency; `thinkMs` between turns. */
export interface OpenLoop extends LoadOptions {
  mode: 'open';
  conversationsPerSecond: number;
  thinkMs: number;
}

interface WebReply {
  replies?: { text: string }[];
}

/** `POST /api/web/messages` over keep-alive connections, one request at a time on each. */
class WebClient {
  private readonly http: PlainHttpClient;

  constructor(baseUrl: string) {
    this.http = new PlainHttpClient(baseUrl);
  }

  async post(body: Record<string, string>): Promise<{ status: number; turn: number | undefined; json: WebReply }> {
    const res = await this.http.postJson('/api/web/messages', JSON.stringify(body));
    const header = res.headers.get('x-kefu-turn');
    return {
      status: res.status,
      turn: header === undefined ? undefined : Number(header),
      json: (res.status === 200 ? JSON.parse(res.body) : {}) as WebReply,
    };
  }

  close(): void {
    this.http.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Drive load against a server until the duration or the turn cap runs out. */
export async function runLoad(options: ClosedLoop | OpenLoop): Promise<LoadResult> {
  const client = new WebClient(options.baseUrl);
  const result: LoadResult = {
    turns: 0,
    conversations: 0,
    errors: 0,
    errorSamples: [],
    latencies: [],
    endedAtMs: [],
    elapsedMs: 0,
  };
  const started = performance.now();
  const deadline = started + options.durationMs;
  let inFlight = 0;
  const stopping = () => performance.now() >= deadline || result.turns + inFlight >= options.maxTurns;
  const fail = (what: string) => {
    result.errors++;
    if (result.errorSamples.length < 5) result.errorSamples.push(what);
  };

  /** One customer's whole conversation; stops between turns when the phase ends. */
  const converse = async (n: number, thinkMs: number) => {
    const scenario = scenarioFor(n, options.scenarios);
    const userId = `${options.userPrefix}-${n}`;
    result.conversations++;
    for (let i = 0; i < scenario.steps.length; i++) {
      if (stopping()) return;
      const step = scenario.steps[i]!;
      const body: Record<string, string> = { userId, text: step.text, locale: scenario.locale };
      if (step.postback) body.postback = step.postback;
      const t0 = performance.now();
      inFlight++;
      try {
        const res = await client.post(body);
        const t1 = performance.now();
        result.latencies.push(t1 - t0);
        result.endedAtMs.push(t1 - started);
        result.turns++;
        const text = (res.json.replies ?? []).map((r) => r.text).join('\n');
        if (res.status !== 200) fail(`${scenario.name}#${i}: HTTP ${res.status}`);
        else if (!step.expect.test(text))
          fail(`${scenario.name}#${i}: unexpected reply ${JSON.stringify(text.slice(0, 80))}`);
        else if (res.turn !== undefined && res.turn !== i + 1)
          fail(`${scenario.name}#${i}: applied as turn ${res.turn}`);
      } catch (err) {
        fail(`${scenario.name}#${i}: ${(err as Error).message}`);
      } finally {
        inFlight--;
      }
      if (thinkMs > 0) await sleep(thinkMs);
    }
  };

  const ticker = setInterval(() => {
    options.onProgress?.({
      turns: result.turns,
      errors: result.errors,
      elapsedMs: performance.now() - started,
      inFlight,
    });
  }, 500);
  try {
    let next = 0;
    if (options.mode === 'closed') {
      await Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          while (!stopping()) await converse(next++, 0);
        }),
      );
    } else {
      const running = new Set<Promise<void>>();
      const interval = 1000 / options.conversationsPerSecond;
      let due = started;
      while (!stopping()) {
        // Start every conversation whose time has come, catching up after a late timer.
        while (due <= performance.now() && !stopping()) {
          const p = converse(next++, options.thinkMs).finally(() => running.delete(p));
          running.add(p);
          due += interval;
        }
        await sleep(Math.max(1, Math.min(20, due - performance.now())));
      }
      await Promise.all(running);
    }
  } finally {
    clearInterval(ticker);
    client.close();
  }
  result.elapsedMs = performance.now() - started;
  return result;
}
