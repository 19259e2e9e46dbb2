import type { OutboundMessage } from '../core/message.js';
import {
  TURN_LIMIT_WINDOW_MS,
  type SessionRecord,
  type SessionStore,
  type TranscriptLine,
  type TurnLimit,
  type TurnStart,
  type TurnTicket,
} from '../core/ports.js';
import { maskedLine } from '../domain/pii-mask.js';
import { TurnLostError, TurnTimeoutError } from './errors.js';

const SWEEP_EVERY = 1000;

export interface MemorySessionOptions {
  turnWaitMs: number;
  dedupeTtlMs: number;
  /** Where a commit's transcript lines go, masked (the embedded handoff store keeps transcripts). */
  transcript?: (conversationId: string, lines: TranscriptLine[]) => Promise<void>;
}

interface Entry {
  record: SessionRecord;
  expiresAt: number;
}

interface Lane {
  /** Resolves when the turn before the newest waiter has finished. */
  tail: Promise<void>;
  nextSeq: number;
  served: number;
  releases: Map<number, () => void>;
}

/**
 * The embedded default: one process, sessions in a Map, turns chained per conversation.
 * Same contract as the Redis store, so everything above it behaves alike.
 */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Entry>();
  private readonly seen = new Map<string, { replies: OutboundMessage[]; expiresAt: number }>();
  private readonly lanes = new Map<string, Lane>();
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private commitsSinceSweep = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly options: MemorySessionOptions = {
      turnWaitMs: 15_000,
      dedupeTtlMs: 86_400_000,
    },
  ) {}

  async beginTurn(conversationId: string, dedupeKey: string, limit?: TurnLimit): Promise<TurnStart> {
    const dup = this.duplicate(conversationId, dedupeKey);
    if (dup) return dup;
    if (limit && limit.perMinute > 0) {
      const now = this.now();
      let w = this.windows.get(conversationId);
      if (!w || w.endsAt <= now) {
        w = { count: 0, endsAt: now + TURN_LIMIT_WINDOW_MS };
        this.windows.set(conversationId, w);
      }
      if (++w.count > limit.perMinute) return { kind: 'limited', retryAfterMs: w.endsAt - now };
    }
    const lane = this.lane(conversationId);
    const seq = ++lane.nextSeq;
    const previous = lane.tail;
    let release!: () => void;
    lane.tail = new Promise<void>((resolve) => (release = resolve));
    lane.releases.set(seq, release);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      previous.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), this.options.turnWaitMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      // Hand our place on once the previous turn ends, so later turns are not blocked by us.
      void previous.then(() => this.pass(conversationId, seq));
      throw new TurnTimeoutError(conversationId);
    }
    const turn: TurnTicket = { conversationId, seq, dedupeKey };
    const again = this.duplicate(conversationId, dedupeKey);
    if (again) {
      this.pass(conversationId, seq);
      return again;
    }
    return { kind: 'ready', turn, session: this.read(conversationId) };
  }

  async commitTurn(
    turn: TurnTicket,
    session: SessionRecord,
    replies: OutboundMessage[],
    ttlMs: number,
    transcript: TranscriptLine[] = [],
  ): Promise<void> {
    const lane = this.lanes.get(turn.conversationId);
    if (!lane || lane.served !== turn.seq - 1) throw new TurnLostError(turn.conversationId);
    this.sessions.set(turn.conversationId, { record: structuredClone(session), expiresAt: this.now() + ttlMs });
    this.seen.set(this.seenKey(turn.conversationId, turn.dedupeKey), {
      replies: structuredClone(replies),
      expiresAt: this.now() + this.options.dedupeTtlMs,
    });
    if (transcript.length > 0 && this.options.transcript) {
      // In memory this cannot fail but for a bug: the session is saved either way.
      await this.options.transcript(turn.conversationId, transcript.map(maskedLine)).catch(() => {});
    }
    this.pass(turn.conversationId, turn.seq);
    if (++this.commitsSinceSweep >= SWEEP_EVERY) this.sweep();
  }

  async abortTurn(turn: TurnTicket): Promise<void> {
    this.pass(turn.conversationId, turn.seq);
  }

  async load(conversationId: string): Promise<SessionRecord | undefined> {
    return this.read(conversationId);
  }

  async delete(conversationId: string): Promise<void> {
    this.sessions.delete(conversationId);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.sessions.clear();
  }

  /** Expired entries are otherwise only dropped when read again: bound memory for long runs. */
  private sweep(): void {
    this.commitsSinceSweep = 0;
    const now = this.now();
    for (const [key, entry] of this.sessions) if (entry.expiresAt <= now) this.sessions.delete(key);
    for (const [key, entry] of this.seen) if (entry.expiresAt <= now) this.seen.delete(key);
    for (const [key, w] of this.windows) if (w.endsAt <= now) this.windows.delete(key);
  }

  private read(conversationId: string): SessionRecord | undefined {
    const entry = this.sessions.get(conversationId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.sessions.delete(conversationId);
      return undefined;
    }
    return structuredClone(entry.record);
  }

  private duplicate(conversationId: string, dedupeKey: string): TurnStart | undefined {
    const key = this.seenKey(conversationId, dedupeKey);
    const hit = this.seen.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.seen.delete(key);
      return undefined;
    }
    return { kind: 'duplicate', replies: structuredClone(hit.replies) };
  }

  private pass(conversationId: string, seq: number): void {
    const lane = this.lanes.get(conversationId);
    if (!lane) return;
    if (lane.served < seq) lane.served = seq;
    lane.releases.get(seq)?.();
    lane.releases.delete(seq);
    if (lane.releases.size === 0 && lane.served === lane.nextSeq) this.lanes.delete(conversationId);
  }

  private lane(conversationId: string): Lane {
    let lane = this.lanes.get(conversationId);
    if (!lane) {
      lane = { tail: Promise.resolve(), nextSeq: 0, served: 0, releases: new Map() };
      this.lanes.set(conversationId, lane);
    }
    return lane;
  }

  private seenKey(conversationId: string, dedupeKey: string): string {
    return `${conversationId}\u0000${dedupeKey}`;
  }
}
