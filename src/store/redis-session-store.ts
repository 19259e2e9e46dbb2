import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
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
import { StoreUnavailableError, TurnLostError, TurnTimeoutError } from './errors.js';
import { HISTORY_LIMIT, ofChannels } from './outbox-store.js';
import { LeanScript } from './lean-script.js';
import { keys, legacyKeys, TRANSCRIPT_TTL_MS } from './redis-keys.js';
import { ABORT_TURN, BEGIN_TURN, COMMIT_TURN, SKIP_STALE } from './redis-scripts.js';
import { seenId } from './seen-id.js';
import {
  botLineJson,
  datedBatch,
  lineJson,
  readReply,
  replyJson,
  sentLineJson,
  type RenderReply,
} from './reply-json.js';

type BeginReply =
  | ['dup', string]
  | ['limited', number]
  | ['ready', number, string | null | 1]
  | ['wait', number, number, number]
  | ['gone', number];

// Shared by every store: a script's SHA is known per connection, whichever store sent it.
const beginScript = new LeanScript(BEGIN_TURN, 5);
const commitScript = new LeanScript(COMMIT_TURN, 3);
const abortScript = new LeanScript(ABORT_TURN, 1);
const skipStaleScript = new LeanScript(SKIP_STALE, 1);

export interface RedisSessionStoreOptions {
  /** Longest wait for earlier turns of the same conversation. */
  turnWaitMs: number;
  /** A turn holding longer than this is presumed dead (its process crashed). */
  holderTtlMs: number;
  /** A number nobody has started for this long (its process died before its turn) is skipped. */
  staleMs: number;
  /** How many of a conversation's latest message ids are remembered for dedupe. */
  seenLimit: number;
  /** Lifetime of an idle conversation's turn lane: its numbers, dedupe window and latest answer. */
  laneTtlMs: number;
  /**
   * Channels whose users re-read what they were sent (web chat): there the transcript keeps the
   * bot's replies as sent (buttons and params; proactive turns' too), and is the page's history.
   */
  historyChannels: readonly string[];
  /** Lines of a conversation's transcript kept (the latest); a history channel's keep `HISTORY_LIMIT`. */
  transcriptLimit: number;
  /**
   * Sessions this process committed last, kept (as objects) for their conversations' next turn:
   * when Redis still holds the same one, the turn start sends a 1 instead of the session, which
   * is then neither decoded nor parsed. 0 keeps none.
   */
  heldSessions: number;
  /**
   * The catalog's render: with it, replies the catalog made are kept (latest answer, transcript)
   * as their recipes and rendered again when read; without it, as their text.
   */
  render?: RenderReply;
}

const DEFAULTS: RedisSessionStoreOptions = {
  turnWaitMs: 15_000,
  holderTtlMs: 10_000,
  staleMs: 2_000,
  seenLimit: 64,
  laneTtlMs: 86_400_000,
  historyChannels: [],
  transcriptLimit: 200,
  heldSessions: 10_000,
};

/** Unique to this process, so a session's revision never matches another process's. */
const PROCESS_TAG = randomBytes(6).toString('base64url');
let revisions = 0;

/** A session as this process committed it, and how its stored JSON starts. */
interface Held {
  known: string;
  record: SessionRecord;
}

/** The stored session without the revision the commit put in front. */
function parseSession(raw: string): SessionRecord {
  const record = JSON.parse(raw) as SessionRecord & { rev?: string };
  delete record.rev;
  return record;
}

const unavailable = (err: unknown): never => {
  throw new StoreUnavailableError(err);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sessions in Redis with per-conversation turns in arrival order across processes (ticket lock in Lua). */
export class RedisSessionStore implements SessionStore {
  private readonly options: RedisSessionStoreOptions;
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly redis: Redis,
    options: Partial<RedisSessionStoreOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  async beginTurn(conversationId: string, dedupeKey: string, limit?: TurnLimit): Promise<TurnStart> {
    const c = conversationId;
    const { holderTtlMs, laneTtlMs, turnWaitMs, staleMs } = this.options;
    const deadline = Date.now() + turnWaitMs;
    let mySeq = 0;
    let lastServed = -1;
    let lastProgress = Date.now();
    let pause = 1;
    const id = seenId(dedupeKey);
    for (;;) {
      // Read on each try: a turn of this process may have committed while this one waited.
      const held = this.held.get(c);
      const reply = await this.call(
        beginScript.call<BeginReply>(
          this.redis,
          [keys.lane(c), keys.session(c), legacyKeys.seen(c), legacyKeys.last(c), legacyKeys.holder(c)],
          [
            mySeq,
            holderTtlMs,
            laneTtlMs,
            id,
            limit?.perMinute ?? 0,
            TURN_LIMIT_WINDOW_MS,
            held?.known ?? '',
            dedupeKey,
          ],
        ),
      );
      switch (reply[0]) {
        case 'dup':
          return {
            kind: 'duplicate',
            replies: (JSON.parse(reply[1]) as OutboundMessage[]).map((r) => readReply(r, this.options.render)),
          };
        case 'limited':
          return { kind: 'limited', retryAfterMs: Math.max(0, Number(reply[1])) };
        case 'ready': {
          const raw = reply[2];
          return {
            kind: 'ready',
            turn: { conversationId, seq: Number(reply[1]), dedupeKey },
            session: raw === 1 ? held!.record : raw ? parseSession(raw) : undefined,
          };
        }
        case 'gone':
          // A later turn skipped us as stale: we waited too long to be fair to the others.
          throw new TurnTimeoutError(conversationId);
        case 'wait': {
          mySeq = Number(reply[1]);
          const served = Number(reply[2]);
          const holderAlive = Number(reply[3]) === 1;
          const now = Date.now();
          if (served !== lastServed) {
            lastServed = served;
            lastProgress = now;
            pause = 1;
          } else if (!holderAlive && now - lastProgress > staleMs && mySeq === served + 2) {
            // The number before ours was taken by a process that never started (or died mid-turn
            // and its lease ran out): skip it so the conversation is not stuck for good.
            await this.call(skipStaleScript.call(this.redis, [keys.lane(c)], [served, laneTtlMs]));
          }
          if (now > deadline) throw new TurnTimeoutError(conversationId);
          await sleep(pause);
          pause = Math.min(pause * 2, 8);
        }
      }
    }
  }

  async commitTurn(
    turn: TurnTicket,
    session: SessionRecord,
    replies: OutboundMessage[],
    ttlMs: number,
    transcript: TranscriptLine[] = [],
  ): Promise<void> {
    const c = turn.conversationId;
    const history = ofChannels(this.options.historyChannels, c);
    // The revision goes first in the stored JSON: the next turn start compares just that prefix.
    const known = `{"rev":"${PROCESS_TAG}${(++revisions).toString(36)}"`;
    const json = JSON.stringify(session);
    const recipes = this.options.render !== undefined;
    const args: (string | number)[] = [
      turn.seq,
      json.length > 2 ? `${known},${json.slice(1)}` : `${known}}`,
      ttlMs,
      replies.length,
      this.options.laneTtlMs,
      seenId(turn.dedupeKey),
      this.options.seenLimit,
      history ? HISTORY_LIMIT : this.options.transcriptLimit,
      TRANSCRIPT_TTL_MS,
    ];
    const first = args.length;
    for (const reply of replies) args.push(replyJson(reply, recipes));
    let next = 0; // the reply the next bot line may repeat
    const lines: { json: string; at: number }[] = [];
    for (const line of transcript) {
      const n = next;
      const reply = line.from === 'bot' && replies[n]?.text === line.text ? replies[next++] : undefined;
      let json: string;
      if (reply && history) json = sentLineJson(args[first + n] as string, line.at);
      // A line that repeats a reply the catalog made is kept as the reply's recipe.
      else if (reply && recipes) json = botLineJson(reply, line.at, true);
      else json = lineJson(line);
      lines.push({ json, at: line.at });
    }
    if (history) args.push(...datedBatch(lines));
    else for (const line of lines) args.push(line.json);
    const commitKeys = [keys.lane(c), keys.session(c), keys.transcript(c)];
    this.held.delete(c);
    const ok = await this.call(commitScript.call<number>(this.redis, commitKeys, args));
    if (ok !== 1) throw new TurnLostError(c);
    this.hold(c, { known, record: session });
  }

  async abortTurn(turn: TurnTicket): Promise<void> {
    const c = turn.conversationId;
    // The aborted turn may have changed the held objects in place: the next one reads Redis.
    this.held.delete(c);
    await this.call(abortScript.call(this.redis, [keys.lane(c)], [turn.seq, this.options.laneTtlMs]));
  }

  async load(conversationId: string): Promise<SessionRecord | undefined> {
    const raw = await this.call(this.redis.get(keys.session(conversationId)));
    return raw ? parseSession(raw) : undefined;
  }

  async delete(conversationId: string): Promise<void> {
    this.held.delete(conversationId);
    await this.call(this.redis.del(keys.session(conversationId)));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // The connection is shared and owned by whoever created it.
  }

  /** Keep a committed session, the oldest-committed one leaving when there are too many. */
  private hold(conversationId: string, held: Held): void {
    if (this.options.heldSessions <= 0) return;
    this.held.set(conversationId, held);
    if (this.held.size > this.options.heldSessions) this.held.delete(this.held.keys().next().value!);
  }

  /** A Redis reply, or the store's own error when there is none (no closure or async frame per call). */
  private call<T>(sent: Promise<T>): Promise<T> {
    return sent.catch(unavailable);
  }
}
