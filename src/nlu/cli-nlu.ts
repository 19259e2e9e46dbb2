import { createInterface } from 'node:readline';
import type { Recognizer } from '../core/nlu.js';
import { createOfflineRecognizer } from './offline.js';

/** Options for {@link runNluCli}; `recognizer` defaults to the offline one. */
export interface NluCliOptions {
  locale?: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  recognizer?: Recognizer;
}

/**
 * `kefu nlu`: one JSON line `{"text": ...}` in, one JSON line out. A bad line is reported
 * as `{"error":{"code":"KEFU_BAD_NLU_INPUT",...},"line":N}` and the rest are still read.
 * Resolves to 0, or 1 when any line was bad.
 */
export async function runNluCli(opts: NluCliOptions): Promise<number> {
  const recognizer = opts.recognizer ?? createOfflineRecognizer();
  const lines = createInterface({ input: opts.input, crlfDelay: Infinity });
  let n = 0;
  let failed = false;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    const text = readText(line);
    if (typeof text !== 'string') {
      failed = true;
      await write(opts.output, { error: { code: 'KEFU_BAD_NLU_INPUT', message: text.error }, line: n });
      continue;
    }
    const u = await recognizer.understand(text, opts.locale ? { locale: opts.locale } : {});
    await write(opts.output, {
      text: u.text,
      intent: u.intent,
      confidence: u.confidence,
      entities: u.entities.map((e) => ({ type: e.type, value: e.value })),
    });
  }
  return failed ? 1 : 0;
}

function readText(line: string): string | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'expected a JSON object' };
  const text = (value as { text?: unknown }).text;
  return typeof text === 'string' ? text : { error: 'expected "text" to be a string' };
}

// Waiting for the drain keeps a large piped input from buffering every answer in memory.
function write(output: NodeJS.WritableStream, value: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (output.write(JSON.stringify(value) + '\n')) resolve();
    else output.once('drain', () => resolve());
  });
}
