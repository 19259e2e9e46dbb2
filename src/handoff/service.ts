import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { deferOrRun, type Defer, type HandoffEndReason, type HandoffReason } from '../core/effect.js';
import type { ConversationEvent } from '../core/event.js';
import type { ChannelId, Locale, MessageRef } from '../core/message.js';
import type { Intent } from '../core/nlu.js';
import type { Clock, Delivery, HandoffNotice } from '../core/ports.js';
import { maskPersonalData } from '../domain/pii-mask.js';
import { AGENT_SAYS } from '../store/reply-json.js';
import type { Ticket } from '../domain/ticket.js';
import type { AgentEventBus } from './events.js';
import { formatAgentHours, withinAgentHours, type AgentHours } from './hours.js';
import { isActive, type Handoff, type HandoffStore, type HoldResult, type TranscriptEntry } from './types.js';

const tokenDigest = (token: string) => createHash('sha256').update(token).digest();

/** Where a proactive event goes (the runtime's ConversationTarget, by shape). */
export interface ConversationTarget {
  conversationId: string;
  channel: ChannelId;
  userId: string;
  locale?: Locale;
}

export interface HandoffServiceDeps {
  store: HandoffStore;
  bus: AgentEventBus;
  clock: Clock;
  /** Run an event through the conversation and push what the bot says (runtime.dispatch). */
  dispatch: (target: ConversationTarget, event: ConversationEvent, eventId: string) => Promise<unknown>;
  /** Push to the user's channel (ChannelRegistry.push): false when that channel does not run here. */
  push: (delivery: Delivery) => Promise<boolean>;
  /** Render a message key (Catalog.text). */
  text: (ref: MessageRef, locale: Locale) => string;
  hours: AgentHours;
  avgMinutes: number;
  /** Agent names by token (AGENT_TOKENS). */
  agents: ReadonlyMap<string, string>;
  /** What a line of text asks for, to tell the agent what the user wanted. */
  understand?: (text: string, locale: Locale) => Promise<Intent>;
  /** Tell the user's platform a human is taking over, where it has a protocol for that (Bot Framework). */
  notifyHandoff?: (notice: HandoffNotice) => Promise<void>;
  /** The user's tickets, when the ticket store is wired. */
  tickets?: () => { listByUser(channel: ChannelId, userId: string): Promise<Ticket[]> } | undefined;
}

/** What the machine learns when it asks for a human (sent back as `lookup.result` `handoff`). */
export interface QueueStatus {
  state: 'pending' | 'assigned' | 'closed';
  position?: number;
  waitMinutes?: number;
  agentsOnline?: number;
  agent?: string;
  /** Agent hours, when closed. */
  hours?: string;
}

/** A ticket as agents see it: no ID numbers, phones, names or street addresses. */
export interface TicketSummary {
  number: string;
  kind: Ticket['kind'];
  status: Ticket['status'];
  createdAt: number;
  summary: string;
}

/** Intents that say nothing about the user's matter. */
const CONVERSATIONAL = new Set<Intent>(['agent', 'greet', 'goodbye', 'affirm', 'deny', 'cancel', 'help', 'other']);

export class HandoffAccessError extends Error {
  override readonly name = 'HandoffAccessError';
  constructor(
    readonly code: 'KEFU_NOT_FOUND' | 'KEFU_FORBIDDEN' | 'KEFU_ALREADY_CLAIMED' | 'KEFU_CONFLICT',
    message: string,
  ) {
    super(message);
  }
}

/** Queue, assignment and the agent side of a handoff; the machine side lives in dialogs/handoff.ts. */
export class HandoffService {
  constructor(readonly d: HandoffServiceDeps) {}

  /** The agent a Bearer token belongs to. */
  agentOf(token: string | undefined): string | undefined {
    if (!token) return undefined;
    // Every configured token is compared, each in constant time (digests have one length), so
    // timing tells nothing about how close a guess was or which token it matched.
    const given = tokenDigest(token);
    let agent: string | undefined;
    for (const [known, name] of this.d.agents) if (timingSafeEqual(tokenDigest(known), given)) agent = name;
    return agent;
  }

  agentNames(): string[] {
    return [...new Set(this.d.agents.values())].sort();
  }

  /**
   * Queue a conversation (idempotent) and tell the machine where it stands. Agents hear of a new
   * request (and its topic) through `defer` when given: with the turn's next write.
   */
  async request(
    target: Required<ConversationTarget>,
    reason: HandoffReason,
    preview: string,
    defer?: Defer,
  ): Promise<QueueStatus> {
    const now = this.d.clock.now();
    if (!withinAgentHours(this.d.hours, now)) return { state: 'closed', hours: formatAgentHours(this.d.hours) };
    const id = target.conversationId;
    const known = reason === 'urgent_complaint' || reason === 'angry' ? ('complaint' as const) : undefined;
    // One round trip: the store applies calls in the order they are made, so the place and
    // the agents are read after the request; the words it is about come in the same write.
    const [queued, place, agents, said] = await Promise.all([
      this.d.store.request({
        ...target,
        reason,
        preview: maskPersonalData(preview).slice(0, 200),
        ...(known ? { intent: known } : {}),
        requestedAt: now,
      }),
      this.d.store.position(id),
      this.d.store.online(now),
      known || !this.d.understand ? undefined : this.d.store.transcript(id),
    ]);
    if (queued.created) {
      const topic = said ? await this.topicOf(said, target.locale) : undefined;
      const tell = () =>
        Promise.all([
          // Before the notice, so that consoles reading the queue on it see the topic.
          topic ? this.d.store.setTopic(id, topic) : undefined,
          this.d.bus.publish({ type: 'queue.changed' }),
          // The platform's own handoff protocol is a courtesy: our queue has the conversation either way.
          this.d
            .notifyHandoff?.({ conversationId: id, channel: target.channel, userId: target.userId, reason })
            .catch(() => {}),
        ]);
      await deferOrRun(defer, tell);
    }
    return this.statusOf(queued.handoff, place, agents.length);
  }

  /** Where a conversation stands in the queue, with an estimated wait. */
  async status(conversationId: string): Promise<QueueStatus> {
    // Read together, in one round trip; position and agents are not needed when it is assigned.
    const [h, place, agents] = await Promise.all([
      this.d.store.get(conversationId),
      this.d.store.position(conversationId),
      this.d.store.online(this.d.clock.now()),
    ]);
    return this.statusOf(h, place, agents.length);
  }

  /**
   * The user's words reach the agents watching the conversation; answers with its handoff and,
   * while that is pending, its place, all read in the same round trip as the words go out.
   */
  async forward(
    conversationId: string,
    text: string,
    at: number,
  ): Promise<{ handoff: Handoff | undefined; status: QueueStatus }> {
    const [, h, place, agents] = await Promise.all([
      this.d.bus.publish({
        type: 'message',
        conversationId,
        entry: { from: 'user', text: maskPersonalData(text), at },
      }),
      this.d.store.get(conversationId),
      this.d.store.position(conversationId),
      this.d.store.online(at),
    ]);
    return { handoff: h, status: this.statusOf(h, place, agents.length) };
  }

  private statusOf(h: Handoff | undefined, place: number | undefined, online: number): QueueStatus {
    if (h?.state === 'assigned') return { state: 'assigned', ...(h.agent ? { agent: h.agent } : {}) };
    const position = place ?? 1;
    const waitMinutes = Math.max(1, Math.ceil((position * this.d.avgMinutes) / Math.max(1, online)));
    return { state: 'pending', position, waitMinutes, agentsOnline: online };
  }

  /** The conversation side ended the handoff (user, timer); a no-op when it had already ended. */
  async endFromConversation(conversationId: string, reason: HandoffEndReason): Promise<void> {
    const ended = await this.d.store.end(conversationId, reason, this.d.clock.now());
    if (ended.ok) await this.changed(ended.handoff);
  }

  async queue(): Promise<Handoff[]> {
    return this.d.store.queue();
  }

  /** What an agent may see: the queue and what they hold; anything else is 403/404. */
  async visible(conversationId: string, agent: string): Promise<Handoff> {
    const h = await this.d.store.get(conversationId);
    if (!isActive(h)) throw new HandoffAccessError('KEFU_NOT_FOUND', 'no open handoff for this conversation');
    if (h.state === 'assigned' && h.agent !== agent)
      throw new HandoffAccessError('KEFU_FORBIDDEN', `held by another agent`);
    return h;
  }

  async view(
    conversationId: string,
    agent: string,
  ): Promise<{ handoff: Handoff; transcript: TranscriptEntry[]; tickets: TicketSummary[] }> {
    const handoff = await this.visible(conversationId, agent);
    const transcript = (await this.d.store.transcript(conversationId)).map((e) => ({
      ...e,
      text: maskPersonalData(e.text),
    }));
    const store = this.d.tickets?.();
    const tickets = store ? (await store.listByUser(handoff.channel, handoff.userId)).map(summarize) : [];
    return { handoff, transcript, tickets };
  }

  async claim(conversationId: string, agent: string): Promise<Handoff> {
    const claimed = await this.d.store.claim(conversationId, agent, this.d.clock.now());
    const result = this.orThrow(claimed);
    if (claimed.ok && !claimed.again) {
      await this.announce(
        result,
        { type: 'agent.joined', agent, at: result.assignedAt ?? this.d.clock.now() },
        `agent.joined:${conversationId}:${result.assignedAt}`,
      );
    }
    return result;
  }

  async transfer(conversationId: string, agent: string, to: string): Promise<Handoff> {
    if (!this.agentNames().includes(to) || to === agent)
      throw new HandoffAccessError('KEFU_CONFLICT', 'unknown agent to transfer to');
    const result = this.orThrow(await this.d.store.transfer(conversationId, agent, to, this.d.clock.now()));
    await this.announce(
      result,
      { type: 'agent.joined', agent: to, at: result.assignedAt ?? this.d.clock.now() },
      `agent.transfer:${conversationId}:${result.assignedAt}`,
    );
    return result;
  }

  async release(conversationId: string, agent: string): Promise<Handoff> {
    const now = this.d.clock.now();
    const result = this.orThrow(await this.d.store.end(conversationId, 'agent_released', now, agent));
    await this.announce(result, { type: 'agent.released', agent, at: now }, `agent.released:${conversationId}:${now}`);
    return result;
  }

  /**
   * After a change the agents are told while the conversation's turn (`event`, once per
   * `eventId`) starts: one write for both.
   */
  private async announce(h: Handoff, event: ConversationEvent, eventId: string): Promise<void> {
    await Promise.all([this.changed(h), this.d.dispatch(targetOf(h), event, eventId)]);
  }

  /** The agent's words, delivered on the user's channel and kept in the transcript. */
  async say(
    conversationId: string,
    agent: string,
    text: string,
  ): Promise<{ delivered: boolean; entry: TranscriptEntry }> {
    const h = await this.visible(conversationId, agent);
    if (h.state !== 'assigned') throw new HandoffAccessError('KEFU_CONFLICT', 'claim the conversation before replying');
    const at = this.d.clock.now();
    const message: MessageRef = { key: AGENT_SAYS, params: { agent, text } };
    const delivered = await this.d.push({
      conversationId,
      channel: h.channel,
      userId: h.userId,
      messages: [{ ...message, text: this.d.text(message, h.locale) }],
      eventId: `agent.said:${conversationId}:${randomUUID()}`,
      deduped: true,
      // The line below keeps them: where that is what the user re-reads (web chat), it is the record.
      inHistory: true,
    });
    // The store masks it, except where the user re-reads it as sent (web chat); agents read it masked.
    await this.d.store.appendTranscript(conversationId, [{ from: 'agent', agent, text, at, locale: h.locale }]);
    const entry: TranscriptEntry = { from: 'agent', agent, text: maskPersonalData(text), at };
    await this.d.bus.publish({ type: 'message', conversationId, entry });
    return { delivered, entry };
  }

  async heartbeat(agent: string): Promise<void> {
    await this.d.store.heartbeat(agent, this.d.clock.now());
  }

  async online(): Promise<string[]> {
    return this.d.store.online(this.d.clock.now());
  }

  /** Both notices in one write, in this order. */
  private async changed(h: Handoff): Promise<void> {
    await Promise.all([
      this.d.bus.publish({
        type: 'handoff.changed',
        conversationId: h.conversationId,
        state: h.state,
        ...(h.agent ? { agent: h.agent } : {}),
      }),
      this.d.bus.publish({ type: 'queue.changed' }),
    ]);
  }

  private orThrow(result: HoldResult): Handoff {
    if (result.ok) return result.handoff;
    if (result.why === 'held')
      throw new HandoffAccessError('KEFU_ALREADY_CLAIMED', 'another agent holds this conversation');
    if (result.why === 'not_assigned')
      throw new HandoffAccessError('KEFU_CONFLICT', 'the conversation is waiting in the queue; claim it first');
    throw new HandoffAccessError('KEFU_NOT_FOUND', 'no open handoff for this conversation');
  }

  /** The most recent thing the user asked about before wanting a human, from the transcript. */
  private async topicOf(transcript: TranscriptEntry[], locale: Locale): Promise<Intent | undefined> {
    const said = transcript
      .filter((e) => e.from === 'user')
      .slice(-5)
      .reverse();
    for (const e of said) {
      const intent = await this.d.understand?.(e.text, locale).catch(() => undefined);
      if (intent && !CONVERSATIONAL.has(intent)) return intent;
    }
    return undefined;
  }
}

function targetOf(h: Handoff): ConversationTarget {
  return { conversationId: h.conversationId, channel: h.channel, userId: h.userId, locale: h.locale };
}

function summarize(t: Ticket): TicketSummary {
  const f = t.feedback;
  const a = t.application;
  const summary = f
    ? `${f.type} · ${f.category} · ${f.urgency}: ${f.description}`
    : a
      ? `${a.userType} · ${a.address.province}${a.address.city}`
      : '';
  return {
    number: t.number,
    kind: t.kind,
    status: t.status,
    createdAt: t.createdAt,
    summary: maskPersonalData(summary).slice(0, 300),
  };
}
