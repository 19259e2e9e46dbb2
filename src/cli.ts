import cluster from 'node:cluster';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { TerminalChannel } from '../adapters/terminal.js';
import { ConfigError, loadConfig } from './config/load.js';
import { LOCALES, type Locale } from './core/message.js';
import { createLogger } from './log/logger.js';
import { createKefu, startServer } from './main.js';

const USAGE = `kefu - customer service for cross-region service (异地服务)

Usage:
  kefu start [--workers N]                    run the server (PORT, REDIS_URL, ... from the environment);
                                              N > 1: N processes sharing the port (needs REDIS_URL)
  kefu chat [--user ID] [--locale L] [--json] chat in the terminal (piped stdin: one message a line)
  kefu nlu [--locale L]                       JSON lines {"text"} in, understanding out
`;

function localeArg(value: string | undefined): Locale | undefined {
  if (value === undefined) return undefined;
  if ((LOCALES as readonly string[]).includes(value)) return value as Locale;
  throw new Error(`--locale must be one of ${LOCALES.join(', ')}`);
}

async function chat(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { user: { type: 'string' }, locale: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  // The terminal is for the conversation: logs go to stderr, and only warnings.
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const kefu = await createKefu(config, { logger: createLogger(config.LOG_LEVEL, process.stderr) });
  const locale = localeArg(values.locale);
  const terminal = new TerminalChannel(
    values.user ?? `terminal-${process.pid}`,
    (line) => process.stdout.write(`${line}\n`),
    { json: values.json ?? false, ...(locale ? { locale } : {}) },
  );
  kefu.channels.register(terminal);
  const interactive = process.stdin.isTTY && !values.json;
  const rl = createInterface({ input: process.stdin, terminal: interactive });
  if (interactive) {
    process.stdout.write('kefu chat — Ctrl+D to quit\n');
    rl.setPrompt('> ');
    rl.prompt();
  }
  // Lines are handled one after another so replies come out in order.
  for await (const line of rl) {
    if (line.trim() === '') {
      if (interactive) rl.prompt();
      continue;
    }
    try {
      const result = await kefu.runtime.handle(terminal.toInbound(line));
      terminal.show(result.replies);
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
    }
    if (interactive) rl.prompt();
  }
  await kefu.close();
  return 0;
}

async function nlu(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { locale: { type: 'string' } } });
  const locale = localeArg(values.locale);
  const { runNluCli } = await import('./nlu/cli-nlu.js');
  return runNluCli({ ...(locale ? { locale } : {}), input: process.stdin, output: process.stdout });
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { workers: { type: 'string', default: '1' } } });
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new Error('--workers must be a whole number of 1 or more');
  const config = loadConfig();
  if (workers === 1 || cluster.isWorker) {
    try {
      await startServer(config);
    } catch (err) {
      // Redis may already be connected and would keep a half-started server alive: leave now.
      process.stderr.write(`kefu: ${(err as Error).message}\n`);
      process.exit(1);
    }
    return -1; // keep running
  }
  // Turns are serialized in Redis, not in memory: several processes are only correct with it.
  if (!config.REDIS_URL)
    throw new ConfigError([
      { variable: 'REDIS_URL', message: 'kefu start --workers needs it: in-memory stores are per process' },
    ]);
  runPrimary(workers, createLogger(config.LOG_LEVEL));
  return -1;
}

/**
 * node:cluster primary: N workers share the listening port; a worker that dies is replaced;
 * SIGTERM/SIGINT go on to every worker, which finish their turns in flight, then we exit.
 */
function runPrimary(workers: number, logger: ReturnType<typeof createLogger>): void {
  let stopping = false;
  let failed = false;
  const fork = () => cluster.fork();
  const listening = new Set<number>();
  cluster.on('listening', (worker) => listening.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (code !== 0) failed = true;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    if (!listening.has(worker.id)) {
      // It never got to serve (port taken, Redis refused at start): another would fail the same way.
      logger.error({ pid: worker.process.pid, code, signal }, 'worker failed to start: stopping');
      failed = true;
      stop('SIGTERM');
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'worker died: starting another');
    setTimeout(fork, 500).unref();
  });
  function stop(signal: NodeJS.Signals) {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'shutting down workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
    setTimeout(() => process.exit(1), 25_000).unref();
  }
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < workers; i++) fork();
  logger.info({ workers }, 'kefu primary: workers share the port');
}

/** Entry point of the `kefu` command. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await start(rest);
      case 'chat':
        return await chat(rest);
      case 'nlu':
        return await nlu(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`unknown command: ${command}\n\n${USAGE}`);
        return 1;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 78; // EX_CONFIG
    }
    process.stderr.write(`kefu: ${(err as Error).message}\n`);
    return 1;
  }
}
