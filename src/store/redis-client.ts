import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

export interface RedisNode {
  host: string;
  port: number;
}

/** What a `REDIS_URL` asks for: one server, a Sentinel-managed master, or a Cluster. */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | {
      kind: 'sentinel';
      sentinels: RedisNode[];
      /** The master's name as the sentinels know it. */
      name: string;
      db: number;
      username?: string;
      password?: string;
      /** Password of the sentinels themselves (`?sentinelPassword=`). */
      sentinelPassword?: string;
      tls: boolean;
    }
  | { kind: 'cluster'; nodes: RedisNode[]; username?: string; password?: string; tls: boolean };

const MULTI =
  /^(redis-sentinel|redis-cluster|rediss-sentinel|rediss-cluster):\/\/(?:([^@/]*)@)?([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/;

/** The URL schemes `REDIS_URL` accepts. */
export const REDIS_URL_SCHEMES = [
  'redis',
  'rediss',
  'redis-sentinel',
  'rediss-sentinel',
  'redis-cluster',
  'rediss-cluster',
];

function nodes(list: string, defaultPort: number): RedisNode[] {
  return list.split(',').map((part) => {
    const hostPort = part.trim();
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort); // [::1]:26379
    const plain = /^([^:]+)(?::(\d+))?$/.exec(hostPort);
    const m = bracketed ?? plain;
    if (!m || !m[1]) throw new Error(`bad host:port "${hostPort}" in REDIS_URL`);
    const port = m[2] ? Number(m[2]) : defaultPort;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`bad port in "${hostPort}" of REDIS_URL`);
    return { host: m[1], port };
  });
}

/**
 * Parse `REDIS_URL`: `redis://[user:pass@]host:port[/db]` and `rediss://` (TLS) go to ioredis
 * as they are; `redis-sentinel://[user:pass@]h1:26379,h2:26379/mastername[/db][?sentinelPassword=]`
 * and `redis-cluster://[user:pass@]h1:6379,h2:6379` list several hosts, which a WHATWG URL
 * cannot, so they are split here. A `rediss-` prefix turns TLS on. Throws on anything else.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const trimmed = url.trim();
  if (/^rediss?:\/\//.test(trimmed)) {
    if (!URL.canParse(trimmed)) throw new Error('REDIS_URL is not a valid redis:// URL');
    return { kind: 'single', url: trimmed };
  }
  const m = MULTI.exec(trimmed);
  if (!m) throw new Error(`REDIS_URL must start with one of ${REDIS_URL_SCHEMES.map((s) => `${s}://`).join(', ')}`);
  const [, scheme = '', auth, hosts = '', path = '', query = ''] = m;
  const tls = scheme.startsWith('rediss');
  const credentials: { username?: string; password?: string } = {};
  if (auth) {
    const i = auth.indexOf(':');
    const user = decodeURIComponent(i >= 0 ? auth.slice(0, i) : '');
    const pass = decodeURIComponent(i >= 0 ? auth.slice(i + 1) : auth);
    if (user) credentials.username = user;
    if (pass) credentials.password = pass;
  }
  const params = new URLSearchParams(query);
  if (scheme.endsWith('cluster')) {
    if (path && path !== '/') throw new Error('redis-cluster:// takes no path: a Cluster has only database 0');
    return { kind: 'cluster', nodes: nodes(hosts, 6379), ...credentials, tls };
  }
  const [name, db, ...rest] = path.split('/').filter(Boolean);
  if (!name)
    throw new Error('redis-sentinel:// needs the master name: redis-sentinel://host:26379,host:26379/mymaster');
  if (rest.length > 0 || (db !== undefined && !/^\d+$/.test(db))) {
    throw new Error('redis-sentinel:// path is /mastername or /mastername/db');
  }
  const sentinelPassword = params.get('sentinelPassword');
  return {
    kind: 'sentinel',
    sentinels: nodes(hosts, 26379),
    name: decodeURIComponent(name),
    db: db === undefined ? 0 : Number(db),
    ...credentials,
    ...(sentinelPassword ? { sentinelPassword } : {}),
    tls,
  };
}

/**
 * Fail fast while Redis is down instead of queueing forever: a user gets "busy", not a hung request.
 * No auto-pipelining: `coalesceWrites` batches the writes more cheaply (issue 10).
 */
const COMMON: RedisOptions = {
  enableAutoPipelining: false,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: true,
  connectTimeout: 2000,
  commandTimeout: 5000,
  retryStrategy: (times) => Math.min(times * 100, 2000),
  lazyConnect: false,
};

/**
 * One shared connection with auto-pipelining: concurrent turns' commands share round trips.
 * For `redis-cluster://` this is an ioredis `Cluster`, typed as `Redis`: the stores use only
 * commands a Cluster has, and every multi-key script or transaction keeps its keys under one
 * hash tag (docs/deployment.md lists them).
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const target = parseRedisUrl(url);
  if (target.kind === 'single') return coalesceWrites(new Redis(target.url, { ...COMMON, ...options }));
  const auth = {
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
  };
  const tls = target.tls ? { tls: {} } : {};
  if (target.kind === 'sentinel') {
    return coalesceWrites(
      new Redis({
        ...COMMON,
        ...auth,
        ...tls,
        sentinels: target.sentinels,
        name: target.name,
        db: target.db,
        ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
        ...(target.tls ? { sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
        ...options,
      }),
    );
  }
  // A Cluster spreads commands over its nodes' connections, which `coalesceWrites` does not
  // reach: ioredis's auto-pipelining batches them instead.
  const clusterOptions: ClusterOptions = {
    enableAutoPipelining: true,
    enableOfflineQueue: true,
    redisOptions: { ...COMMON, ...auth, ...tls, ...options },
  };
  return new Cluster(target.nodes, clusterOptions) as unknown as Redis;
}

interface Socket {
  cork(): void;
  uncork(): void;
}

/**
 * Commands sent during one turn of the event loop leave in one socket write: the connection's
 * socket is corked at the first and uncorked when the loop reaches its check phase, after the
 * I/O callbacks that may send more. Under load that is what auto-pipelining gives, for less:
 * no pipeline object, extra promise and tick per command, and no waiting for one batch's
 * replies before the next is sent. Measured with 64 conversations over loopback (begin and
 * commit of a turn): 29-33 us of client CPU a turn, against 51-71 with auto-pipelining and
 * 34-41 with a write per command. Order is kept: corking only delays writes.
 */
export function coalesceWrites(redis: Redis): Redis {
  // ioredis's Redis#sendCommand(command, stream?): the stream is a pipeline's collector, if any.
  const target = redis as unknown as { sendCommand: (command: unknown, stream?: unknown) => unknown; stream?: Socket };
  const send = target.sendCommand.bind(redis);
  let corked: Socket | undefined;
  const uncork = () => {
    const socket = corked;
    corked = undefined;
    socket?.uncork();
  };
  target.sendCommand = (command: unknown, stream?: unknown) => {
    // Only once connected: before that ioredis queues commands itself and writes them on connect.
    const socket = redis.status === 'ready' ? target.stream : undefined;
    if (socket && corked !== socket) {
      if (corked) uncork(); // a new socket after a reconnect
      corked = socket;
      socket.cork();
      setImmediate(uncork);
    }
    return send(command, stream);
  };
  return redis;
}

interface TimedCommand {
  name: string;
  resolve: (value: unknown) => unknown;
  reject: (err: unknown) => unknown;
  /** When it was last sent (a command queued while offline is sent again on reconnect). */
  kefuSentAt?: number;
  kefuResolve?: (value: unknown) => unknown;
  kefuReject?: (err: unknown) => unknown;
}

/**
 * Time every command sent on this connection (pipelined and scripted ones included: ioredis
 * sends each through `sendCommand`) and report its round trip in seconds. The command's own
 * settle functions are swapped for shared ones that ioredis calls as methods of the command
 * (`command.resolve(reply)`): no promise and no closure per command.
 */
export function instrumentRedis(redis: Redis, observe: (command: string, seconds: number, ok: boolean) => void): void {
  // Redis#sendCommand(command, stream?) and Cluster#sendCommand(command, stream?, node?).
  const target = redis as unknown as {
    sendCommand: (command: TimedCommand, stream?: unknown, node?: unknown) => unknown;
  };
  const send = target.sendCommand.bind(redis);
  function resolve(this: TimedCommand, value: unknown) {
    observe(this.name, (performance.now() - this.kefuSentAt!) / 1000, true);
    return this.kefuResolve!(value);
  }
  function reject(this: TimedCommand, err: unknown) {
    observe(this.name, (performance.now() - this.kefuSentAt!) / 1000, false);
    return this.kefuReject!(err);
  }
  target.sendCommand = (command: TimedCommand, stream?: unknown, node?: unknown) => {
    if (command.kefuSentAt === undefined) {
      command.kefuResolve = command.resolve;
      command.kefuReject = command.reject;
      command.resolve = resolve;
      command.reject = reject;
    }
    command.kefuSentAt = performance.now();
    return send(command, stream, node);
  };
}
