import type { Redis } from 'ioredis';
import type { HandoffEndReason } from '../core/effect.js';
import type { Intent } from '../core/nlu.js';
import { appendCapped } from '../store/capped-list.js';
import { LeanScript } from '../store/lean-script.js';
import { keys, TRANSCRIPT_TTL_MS } from '../store/redis-keys.js';
import { HISTORY_LIMIT, ofChannels } from '../store/outbox-store.js';
import { agentLineJson, fillAt, lineJson, readLine } from '../store/reply-json.js';
import type {
  Handoff,
  HandoffStore,
  HandoffStoreOptions,
  HoldResult,
  LeftMessage,
  NewHandoff,
  SatisfactionRecord,
  TranscriptEntry,
} from './types.js';

/**
 * Queue and assignment share one hash tag, `{handoff}`, so each Lua script below touches keys
 * of one Redis Cluster slot; agent actions are few next to user turns, so one slot is plenty.
 * Transcripts are per conversation, in the conversation's own slot.
 */
const k = {
  handoff: (conv: string) => `kefu:{handoff}:h:${conv}`,
  queue: 'kefu:{handoff}:queue',
  seq: 'kefu:{handoff}:seq',
  held: 'kefu:{handoff}:held',
  presence: 'kefu:{handoff}:presence',
  left: 'kefu:{handoff}:left',
  satisfaction: 'kefu:{handoff}:satisfaction',
  // Shared with the session store, whose commits append the turn's lines.
  transcript: keys.transcript,
};

/** Ended handoffs stay readable this long (agent views, reports), then go. */
const ENDED_TTL_MS = 7 * 86_400_000;

const REQUEST = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local h = cjson.decode(cur)
  if h.state == 'pending' or h.state == 'assigned' then return {0, cur} end
end
local seq = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], seq, ARGV[2])
return {1, ARGV[1]}`;

const SET_TOPIC = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
local h = cjson.decode(cur)
if h.state ~= 'pending' and h.state ~= 'assigned' then return 0 end
h.intent = ARGV[1]
redis.call('SET', KEYS[1], cjson.encode(h))
return 1`;

// Check and set in one step: of two agents claiming at once exactly one sees 'pending'.
const CLAIM = `
local cur = redis.call('GET', KEYS[1])
if not cur then return {'missing'} end
local h = cjson.decode(cur)
if h.state == 'assigned' then
  if h.agent == ARGV[1] then return {'again', cur} end
  return {'held', h.agent}
end
if h.state ~= 'pending' then return {'ended'} end
h.state = 'assigned'
h.agent = ARGV[1]
h.assignedAt = tonumber(ARGV[2])
local out = cjson.encode(h)
redis.call('SET', KEYS[1], out)
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
return {'ok', out}`;

const TRANSFER = `
local cur = redis.call('GET', KEYS[1])
if not cur then return {'missing'} end
local h = cjson.decode(cur)
if h.state == 'pending' then return {'not_assigned'} end
if h.state ~= 'assigned' then return {'ended'} end
if h.agent ~= ARGV[1] then return {'held', h.agent} end
h.agent = ARGV[2]
h.assignedAt = tonumber(ARGV[3])
local out = cjson.encode(h)
redis.call('SET', KEYS[1], out)
redis.call('HSET', KEYS[2], ARGV[4], ARGV[2])
return {'ok', out}`;

const END = `
local cur = redis.call('GET', KEYS[1])
if not cur then return {'missing'} end
local h = cjson.decode(cur)
if h.state ~= 'pending' and h.state ~= 'assigned' then return {'ended'} end
if ARGV[3] ~= '' then
  if h.state == 'pending' then return {'not_assigned'} end
  if h.agent ~= ARGV[3] then return {'held', h.agent} end
end
if ARGV[1] == 'expired' then h.state = 'expired' else h.state = 'resolved' end
h.endReason = ARGV[1]
h.endedAt = tonumber(ARGV[2])
local out = cjson.encode(h)
redis.call('SET', KEYS[1], out, 'PX', ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[4])
redis.call('HDEL', KEYS[3], ARGV[4])
return {'ok', out}`;

// EVALSHA with the arguments encoded once (src/store/lean-script.ts), not the source every call.
const requestScript = new LeanScript(REQUEST, 3);
const setTopicScript = new LeanScript(SET_TOPIC, 1);
const claimScript = new LeanScript(CLAIM, 3);
const transferScript = new LeanScript(TRANSFER, 2);
const endScript = new LeanScript(END, 3);

function holdResult(raw: unknown): HoldResult {
  const [what, value] = raw as [string, string | undefined];
  if (what === 'ok') return { ok: true, handoff: JSON.parse(value!) as Handoff };
  if (what === 'again') return { ok: true, handoff: JSON.parse(value!) as Handoff, again: true };
  if (what === 'held') return { ok: false, why: 'held', holder: value ?? '' };
  return { ok: false, why: what as 'missing' | 'ended' | 'not_assigned' };
}

/** The agent queue in Redis: correct with any number of kefu processes. */
export class RedisHandoffStore implements HandoffStore {
  constructor(
    private readonly redis: Redis,
    private readonly o: HandoffStoreOptions,
  ) {}

  async request(handoff: NewHandoff): Promise<{ handoff: Handoff; created: boolean }> {
    const fresh: Handoff = { ...handoff, state: 'pending' };
    const [created, json] = await requestScript.call<[number, string]>(
      this.redis,
      [k.handoff(handoff.conversationId), k.queue, k.seq],
      [JSON.stringify(fresh), handoff.conversationId],
    );
    return { handoff: JSON.parse(json) as Handoff, created: created === 1 };
  }

  async setTopic(conversationId: string, intent: Intent): Promise<void> {
    await setTopicScript.call(this.redis, [k.handoff(conversationId)], [intent]);
  }

  async get(conversationId: string): Promise<Handoff | undefined> {
    const raw = await this.redis.get(k.handoff(conversationId));
    return raw ? (JSON.parse(raw) as Handoff) : undefined;
  }

  async queue(): Promise<Handoff[]> {
    const ids = await this.redis.zrange(k.queue, 0, -1);
    return this.many(ids);
  }

  async position(conversationId: string): Promise<number | undefined> {
    const rank = await this.redis.zrank(k.queue, conversationId);
    return rank === null ? undefined : rank + 1;
  }

  async heldBy(agent: string): Promise<Handoff[]> {
    const held = await this.redis.hgetall(k.held);
    const ids = Object.entries(held)
      .filter(([, holder]) => holder === agent)
      .map(([id]) => id);
    return (await this.many(ids)).filter((h) => h.state === 'assigned' && h.agent === agent);
  }

  async claim(conversationId: string, agent: string, at: number): Promise<HoldResult> {
    return holdResult(
      await claimScript.call(this.redis, [k.handoff(conversationId), k.queue, k.held], [agent, at, conversationId]),
    );
  }

  async transfer(conversationId: string, from: string, to: string, at: number): Promise<HoldResult> {
    return holdResult(
      await transferScript.call(this.redis, [k.handoff(conversationId), k.held], [from, to, at, conversationId]),
    );
  }

  async end(conversationId: string, reason: HandoffEndReason, at: number, by?: string): Promise<HoldResult> {
    return holdResult(
      await endScript.call(
        this.redis,
        [k.handoff(conversationId), k.queue, k.held],
        [reason, at, by ?? '', conversationId, ENDED_TTL_MS],
      ),
    );
  }

  async appendTranscript(conversationId: string, entries: TranscriptEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const key = k.transcript(conversationId);
    const history = ofChannels(this.o.historyChannels ?? [], conversationId);
    await appendCapped(
      this.redis,
      key,
      entries.map((e) =>
        history && e.from === 'agent' ? agentLineJson(e.agent ?? '', e.text, e.at, e.locale) : lineJson(e),
      ),
      history ? HISTORY_LIMIT : this.o.transcriptLimit,
      TRANSCRIPT_TTL_MS,
    );
  }

  async transcript(conversationId: string): Promise<TranscriptEntry[]> {
    // A history channel's list holds more than agents are shown.
    const raw = await this.redis.lrange(k.transcript(conversationId), -this.o.transcriptLimit, -1);
    return fillAt(raw.map((r) => readLine(JSON.parse(r) as TranscriptEntry, this.o.text)));
  }

  async leaveMessage(message: LeftMessage): Promise<void> {
    await this.redis.hsetnx(k.left, message.id, JSON.stringify(message));
  }

  async leftMessages(): Promise<LeftMessage[]> {
    return Object.values(await this.redis.hgetall(k.left))
      .map((r) => JSON.parse(r) as LeftMessage)
      .sort((a, b) => a.at - b.at);
  }

  async recordSatisfaction(record: SatisfactionRecord): Promise<void> {
    await this.redis.hset(k.satisfaction, record.surveyId, JSON.stringify(record));
  }

  async satisfaction(): Promise<SatisfactionRecord[]> {
    return Object.values(await this.redis.hgetall(k.satisfaction))
      .map((r) => JSON.parse(r) as SatisfactionRecord)
      .sort((a, b) => a.at - b.at);
  }

  async heartbeat(agent: string, at: number): Promise<void> {
    await this.redis.zadd(k.presence, at, agent);
  }

  async offline(agent: string): Promise<void> {
    await this.redis.zrem(k.presence, agent);
  }

  async online(at: number): Promise<string[]> {
    return (await this.redis.zrangebyscore(k.presence, `(${at - this.o.presenceTtlMs}`, '+inf')).sort();
  }

  private async many(ids: string[]): Promise<Handoff[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map(k.handoff));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Handoff);
  }
}
