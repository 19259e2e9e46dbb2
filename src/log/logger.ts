import { pino, type Logger, type DestinationStream } from 'pino';
import { maskPersonalData } from '../domain/pii-mask.js';
import { redactFields } from './redact-fields.js';

export type { Logger };

/**
 * JSON logs with personal data masked in every field and message, whatever the caller passed;
 * pretty-printed when a person watches a terminal.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const pretty = !destination && process.stdout.isTTY && process.env.CI !== 'true';
  const options = {
    level,
    base: { app: 'kefu' },
    // By field name, in one pass that copies nothing unless it finds something (pino's own
    // wildcard redaction cost ~30 us on every line, most of the logging cost of a turn).
    formatters: { log: redactFields },
    hooks: {
      // Mask the finished line once: it covers messages, fields and what serializers made of
      // req/res/err alike. (Masking each field before serialization walked the whole request
      // object graph on every request line: 13% of a busy server's CPU.)
      streamWrite: maskLine,
    },
  };
  if (destination) return pino(options, destination);
  if (pretty)
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } });
  return pino(options, standardOutput());
}

/**
 * How pino starts every line (level and time first, options as above), for times from 2001 to 2223:
 * 13 digits not starting with 86 can hold no ID number (18), credit code (18) or mobile (11, or 13
 * with 86 in front).
 */
const LINE_START = /^\{"level":\d+,"time":[1-7]\d{12}(?=,)/;

/**
 * `maskPersonalData` of a whole log line, without its start: the time's digits alone would send
 * every line through the three masks (4-5 us a turn line, most of which say nothing personal).
 */
export function maskLine(line: string): string {
  const start = LINE_START.exec(line)?.[0].length ?? 0;
  if (start === 0) return maskPersonalData(line);
  const rest = line.slice(start);
  const masked = maskPersonalData(rest);
  return masked === rest ? line : line.slice(0, start) + masked;
}

/** How long a line may wait in the buffer before it is written anyway (quiet hours). */
export const LOG_FLUSH_MS = 1000;

/**
 * Standard output, gathered up to 4 KB and written by libuv's thread pool instead of one
 * synchronous write per line on the event loop (that write was 2.2% of a busy server's CPU).
 * Lines wait at most LOG_FLUSH_MS; pino writes what is left when the process exits, an uncaught
 * exception included. Only a hard kill (SIGKILL, out of memory) can lose the last 4 KB.
 */
function standardOutput(): DestinationStream {
  const out = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => {
    try {
      out.flush();
    } catch {
      clearInterval(timer); // closed
    }
  }, LOG_FLUSH_MS).unref();
  return out;
}
