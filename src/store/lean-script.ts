import { createHash } from 'node:crypto';
import { Command, type Redis } from 'ioredis';

/** One argument as RESP: `$<bytes>\r\n<text>\r\n`. */
const bulk = (arg: string | number): string => {
  const text = typeof arg === 'number' ? String(arg) : arg;
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
};

/**
 * A Lua script for the hottest calls (a turn's start and commit), sent as EVALSHA like
 * ioredis's `defineCommand` does (EVAL the first time on each connection, and again after a
 * NOSCRIPT), but with its arguments encoded once, as they are given, into the command's wire
 * form. `defineCommand` copies the argument list three times, turns every argument into a
 * string, measures it and rebuilds the command text, and wraps the reply in two more promises:
 * about 4% of a loaded server's CPU for two calls a turn (bench profile, issue 10).
 *
 * Each call is an ordinary ioredis `Command`, so it shares the connection's queue, timeouts,
 * reconnects, offline queue and write coalescing; for a Cluster its first key picks the node.
 */
export class LeanScript {
  readonly sha: string;
  private readonly evalHead: string;
  private readonly shaHead: string;
  /** Connections (sockets) that have run the script once, so know its SHA. */
  private loaded = new WeakSet<object>();

  constructor(
    lua: string,
    private readonly numberOfKeys: number,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
    this.evalHead = `$4\r\neval\r\n${bulk(lua)}${bulk(numberOfKeys)}`;
    this.shaHead = `$7\r\nevalsha\r\n${bulk(this.sha)}${bulk(numberOfKeys)}`;
  }

  /** Run it with `keys` (as many as it declares) and `args`; the reply as ioredis gives it (strings). */
  call<T>(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<T> {
    if (keys.length !== this.numberOfKeys) throw new Error(`script takes ${this.numberOfKeys} keys`);
    let body = '';
    for (const key of keys) body += bulk(key);
    for (const arg of args) body += bulk(arg);
    return this.send<T>(redis, keys[0]!, `*${3 + keys.length + args.length}\r\n`, body);
  }

  private send<T>(redis: Redis, firstKey: string, count: string, body: string): Promise<T> {
    const command = new ScriptCommand(this, firstKey, count, body);
    const sent = (redis as unknown as { sendCommand(c: Command): Promise<T> }).sendCommand(command);
    return sent.catch((err: unknown) => {
      if (!String((err as Error | undefined)?.message).includes('NOSCRIPT')) throw err;
      // The server lost its scripts (a restart, SCRIPT FLUSH): every connection sends the source again.
      this.loaded = new WeakSet();
      return this.send<T>(redis, firstKey, count, body);
    });
  }

  /** The command's text for `socket`: EVAL with the source until that connection has run it. */
  wireForm(socket: object, count: string, body: string): string {
    if (this.loaded.has(socket)) return count + this.shaHead + body;
    this.loaded.add(socket);
    return count + this.evalHead + body;
  }
}

/** One call: `args` hold only what ioredis reads (the first key, for a Cluster's routing). */
class ScriptCommand extends Command {
  constructor(
    private readonly script: LeanScript,
    firstKey: string,
    private readonly count: string,
    private readonly body: string,
  ) {
    super('evalsha', [script.sha, 1, firstKey], { replyEncoding: 'utf8' });
  }

  override toWritable(socket: object): string {
    return this.script.wireForm(socket, this.count, this.body);
  }
}
