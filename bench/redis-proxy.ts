import { connect, createServer, type Server } from 'node:net';
import { RespCommandCounter } from './stats.js';

/**
 * A loopback TCP relay in front of redis-server that counts, per direction client -> server,
 * the RESP commands and the writes that carried them. Used only in the calibration phase (one
 * customer at a time), where a write is one round trip: Redis's own counters cannot tell a
 * script's inner calls from a client's commands, and MONITOR would slow everything down.
 */
export interface RedisProxy {
  url: string;
  counts(): { commands: number; writes: number; names: Map<string, number> };
  close(): Promise<void>;
}

export async function startRedisProxy(target: { host: string; port: number }): Promise<RedisProxy> {
  let commands = 0;
  let writes = 0;
  const names = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const counter = new RespCommandCounter();
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      writes++;
      const before = new Map(counter.names);
      commands += counter.push(chunk);
      for (const [name, n] of counter.names) names.set(name, (names.get(name) ?? 0) + n - (before.get(name) ?? 0));
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    counts: () => ({ commands, writes, names: new Map(names) }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
