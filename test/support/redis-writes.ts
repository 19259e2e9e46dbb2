import type { Redis } from 'ioredis';

/** A command as ioredis hands it to `sendCommand`. */
export interface SentCommand {
  name: string;
  args: unknown[];
}

/**
 * The commands this connection sends, grouped by event-loop turn: with `coalesceWrites` (every
 * connection `createRedis` makes) each group leaves in one socket write, so each is one round trip.
 * The connection must be ready first (a command queued before that passes through twice).
 */
export function recordWrites(redis: Redis): SentCommand[][] {
  const writes: SentCommand[][] = [];
  let open = false;
  const target = redis as unknown as { sendCommand: (command: SentCommand, ...rest: unknown[]) => unknown };
  const send = target.sendCommand.bind(redis);
  target.sendCommand = (command, ...rest) => {
    if (!open) {
      open = true;
      writes.push([]);
      setImmediate(() => (open = false));
    }
    writes.at(-1)!.push(command);
    return send(command, ...rest);
  };
  return writes;
}
