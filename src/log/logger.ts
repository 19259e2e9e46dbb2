import { pino, type Logger, type DestinationStream } from 'pino';
import { maskPersonalData } from '../domain/pii-mask.js';

export type { Logger };

// Fields known to hold personal data, at the depths they are logged (a ticket, its details, a
// whole request body). Masking catches shapes; these catch values of any shape (a name, an
// address, a mistyped number) wherever a caller passes the object itself.
const PERSONAL_FIELDS = ['idNumber', 'legalRepIdNumber', 'phone', 'creditCode', 'address', 'company'];
// `name` alone would also hide error names: only an applicant's name is personal.
const PERSONAL_PATHS = [
  ...PERSONAL_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]),
  ...['application.name', '*.application.name', '*.*.application.name'],
];

/**
 * JSON logs with personal data masked in every field and message, whatever the caller passed;
 * pretty-printed when a person watches a terminal.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const pretty = !destination && process.stdout.isTTY && process.env.CI !== 'true';
  const options = {
    level,
    base: { app: 'kefu' },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.token', ...PERSONAL_PATHS],
      censor: '[redacted]',
    },
    hooks: {
      // Mask the finished line once: it covers messages, fields and what serializers made of
      // req/res/err alike. (Masking each field before serialization walked the whole request
      // object graph on every request line: 13% of a busy server's CPU.)
      streamWrite: maskPersonalData,
    },
  };
  if (destination) return pino(options, destination);
  if (pretty)
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } });
  // Written asynchronously: lines logged while a write is in flight go out together in the next
  // one, instead of one blocking write per line (a busy server spent ~3% of its CPU there). pino
  // flushes what is left when the process exits; only a power cut or SIGKILL can lose the last lines.
  return pino(options, pino.destination({ dest: 1, sync: false }));
}
