import type { HandoffEndReason } from '../core/effect.js';
import type { Intent } from '../core/nlu.js';
import { maskedLine } from '../domain/pii-mask.js';
import {
  isActive,
  type Handoff,
  type HandoffStore,
  type HandoffStoreOptions,
  type HoldResult,
  type LeftMessage,
  type NewHandoff,
  type SatisfactionRecord,
  type TranscriptEntry,
} from './types.js';

/** The embedded twin of RedisHandoffStore: one process, same contract. */
export class MemoryHandoffStore implements HandoffStore {
  private readonly handoffs = new Map<string, Handoff>();
  /** conversationId -> queue sequence, for first-come order. */
  private readonly queued = new Map<string, number>();
  private seq = 0;
  private readonly transcripts = new Map<string, TranscriptEntry[]>();
  private readonly left = new Map<string, LeftMessage>();
  private readonly scores = new Map<string, SatisfactionRecord>();
  private readonly presence = new Map<string, number>();

  constructor(private readonly o: HandoffStoreOptions) {}

  async request(handoff: NewHandoff): Promise<{ handoff: Handoff; created: boolean }> {
    const current = this.handoffs.get(handoff.conversationId);
    if (isActive(current)) return { handoff: structuredClone(current), created: false };
    const fresh: Handoff = { ...structuredClone(handoff), state: 'pending' };
    this.handoffs.set(handoff.conversationId, fresh);
    this.queued.set(handoff.conversationId, ++this.seq);
    return { handoff: structuredClone(fresh), created: true };
  }

  async setTopic(conversationId: string, intent: Intent): Promise<void> {
    const h = this.handoffs.get(conversationId);
    if (isActive(h)) h.intent = intent;
  }

  async get(conversationId: string): Promise<Handoff | undefined> {
    const h = this.handoffs.get(conversationId);
    return h ? structuredClone(h) : undefined;
  }

  async queue(): Promise<Handoff[]> {
    return [...this.queued.entries()]
      .sort((a, b) => a[1] - b[1])
      .map(([id]) => structuredClone(this.handoffs.get(id)!));
  }

  async position(conversationId: string): Promise<number | undefined> {
    const i = (await this.queue()).findIndex((h) => h.conversationId === conversationId);
    return i >= 0 ? i + 1 : undefined;
  }

  async heldBy(agent: string): Promise<Handoff[]> {
    return [...this.handoffs.values()]
      .filter((h) => h.state === 'assigned' && h.agent === agent)
      .map((h) => structuredClone(h));
  }

  async claim(conversationId: string, agent: string, at: number): Promise<HoldResult> {
    const h = this.handoffs.get(conversationId);
    if (!h) return { ok: false, why: 'missing' };
    if (h.state === 'assigned')
      return h.agent === agent
        ? { ok: true, handoff: structuredClone(h), again: true }
        : { ok: false, why: 'held', holder: h.agent ?? '' };
    if (h.state !== 'pending') return { ok: false, why: 'ended' };
    h.state = 'assigned';
    h.agent = agent;
    h.assignedAt = at;
    this.queued.delete(conversationId);
    return { ok: true, handoff: structuredClone(h) };
  }

  async transfer(conversationId: string, from: string, to: string, at: number): Promise<HoldResult> {
    const h = this.handoffs.get(conversationId);
    if (!h) return { ok: false, why: 'missing' };
    if (h.state === 'pending') return { ok: false, why: 'not_assigned' };
    if (h.state !== 'assigned') return { ok: false, why: 'ended' };
    if (h.agent !== from) return { ok: false, why: 'held', holder: h.agent ?? '' };
    h.agent = to;
    h.assignedAt = at;
    return { ok: true, handoff: structuredClone(h) };
  }

  async end(conversationId: string, reason: HandoffEndReason, at: number, by?: string): Promise<HoldResult> {
    const h = this.handoffs.get(conversationId);
    if (!h) return { ok: false, why: 'missing' };
    if (!isActive(h)) return { ok: false, why: 'ended' };
    if (by !== undefined) {
      if (h.state === 'pending') return { ok: false, why: 'not_assigned' };
      if (h.agent !== by) return { ok: false, why: 'held', holder: h.agent ?? '' };
    }
    h.state = reason === 'expired' ? 'expired' : 'resolved';
    h.endReason = reason;
    h.endedAt = at;
    this.queued.delete(conversationId);
    return { ok: true, handoff: structuredClone(h) };
  }

  async appendTranscript(conversationId: string, entries: TranscriptEntry[]): Promise<void> {
    const list = this.transcripts.get(conversationId) ?? [];
    list.push(...entries.map(maskedLine));
    if (list.length > this.o.transcriptLimit) list.splice(0, list.length - this.o.transcriptLimit);
    this.transcripts.set(conversationId, list);
  }

  async transcript(conversationId: string): Promise<TranscriptEntry[]> {
    return structuredClone(this.transcripts.get(conversationId) ?? []);
  }

  async leaveMessage(message: LeftMessage): Promise<void> {
    if (!this.left.has(message.id)) this.left.set(message.id, structuredClone(message));
  }

  async leftMessages(): Promise<LeftMessage[]> {
    return [...this.left.values()].sort((a, b) => a.at - b.at).map((m) => structuredClone(m));
  }

  async recordSatisfaction(record: SatisfactionRecord): Promise<void> {
    this.scores.set(record.surveyId, structuredClone(record));
  }

  async satisfaction(): Promise<SatisfactionRecord[]> {
    return [...this.scores.values()].sort((a, b) => a.at - b.at).map((r) => structuredClone(r));
  }

  async heartbeat(agent: string, at: number): Promise<void> {
    this.presence.set(agent, at);
  }

  async offline(agent: string): Promise<void> {
    this.presence.delete(agent);
  }

  async online(at: number): Promise<string[]> {
    return [...this.presence.entries()]
      .filter(([, seen]) => seen > at - this.o.presenceTtlMs)
      .map(([agent]) => agent)
      .sort();
  }
}
