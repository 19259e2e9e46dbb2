import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { TerminalChannel } from '../adapters/terminal.js';
import { ConfigError, loadConfig } from './config/load.js';
import { LOCALES, type Locale } from './core/message.js';
import { createLogger } from './log/logger.js';
import { createKefu, startServer } from './main.js';

const USAGE = `kefu - customer service for cross-region service (异地服务)

Usage:
  kefu start                                  run the server (PORT, REDIS_URL, ... from the environment)
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

/** Entry point of the `kefu` command. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        await startServer(loadConfig());
        return -1; // keep running
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
