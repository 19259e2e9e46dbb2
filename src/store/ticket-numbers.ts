import type { Redis } from 'ioredis';
import { formatTicketNumber, ticketDay, type TicketKind } from '../domain/ticket.js';

const DAY_MS = 86_400_000;

interface Blocks {
  /** Numbers taken and not yet used, in order: [next, end] ranges. */
  ranges: [number, number][];
  /** A block being taken. */
  taking?: Promise<void>;
}

/**
 * Ticket numbers from the day's per-kind sequence in Redis, taken a block at a time, the next
 * block while half of the current one is left: a new ticket costs no round trip of its own, but
 * for a process's first ticket of a kind in a day. Numbers stay unique across processes; each
 * process's tickets are numbered in order, two processes' tickets interleave by block, and numbers
 * a process did not use (a restart, a replayed create) leave gaps. Tickets are listed by creation
 * time, never by number.
 */
export class TicketNumbers {
  private readonly days = new Map<string, Blocks>();

  constructor(
    private readonly redis: Redis,
    private readonly seqKey: (kind: TicketKind, day: string) => string,
    private readonly size = 20,
  ) {}

  async next(kind: TicketKind, at: number): Promise<string> {
    const key = this.seqKey(kind, ticketDay(at));
    let blocks = this.days.get(key);
    if (!blocks) {
      // Yesterday's blocks are done with; a day has a handful of keys at most.
      if (this.days.size >= 8) this.days.clear();
      blocks = { ranges: [] };
      this.days.set(key, blocks);
    }
    for (;;) {
      const range = blocks.ranges[0];
      if (range) {
        const n = range[0]++;
        if (range[0] > range[1]) blocks.ranges.shift();
        if (this.left(blocks) < this.size / 2) this.take(key, blocks).catch(() => {}); // retried when needed
        return formatTicketNumber(kind, at, n);
      }
      await this.take(key, blocks);
    }
  }

  private left(blocks: Blocks): number {
    return blocks.ranges.reduce((sum, [next, end]) => sum + end - next + 1, 0);
  }

  private take(key: string, blocks: Blocks): Promise<void> {
    blocks.taking ??= (async () => {
      try {
        const replies = await this.redis
          .multi()
          .incrby(key, this.size)
          .pexpire(key, 3 * DAY_MS)
          .exec();
        const [err, end] = replies?.[0] ?? [new Error('no ticket number block taken')];
        if (err) throw err;
        blocks.ranges.push([Number(end) - this.size + 1, Number(end)]);
      } finally {
        blocks.taking = undefined;
      }
    })();
    return blocks.taking;
  }
}
