import { expect } from 'vitest';
import type { ConversationEvent } from '../../src/core/event.js';
import type { Locale, OutboundMessage } from '../../src/core/message.js';
import type { Delivery } from '../../src/core/ports.js';
import { SAMPLE_REGION_TABLE } from '../../src/domain/region-table.js';
import { createLogger } from '../../src/log/logger.js';
import { createKeywordRecognizer } from '../../src/nlu/keyword.js';
import { Catalog } from '../../src/runtime/catalog.js';
import { ChannelRegistry } from '../../src/runtime/delivery.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { ticketEffects } from '../../src/runtime/ticket-effects.js';
import { MemorySessionStore } from '../../src/store/memory-session-store.js';
import { MemoryTicketStore } from '../../src/store/memory-ticket-store.js';

/** One line of a transcript: the user says `say`; the bot answers with these keys (in order, as a subsequence) and/or text matching `text`; the machine ends in `state`. */
export interface Line {
  say: string;
  keys?: string[];
  /** Keys that must not be among the answers. */
  notKeys?: string[];
  text?: RegExp;
  state?: string;
}

let conversations = 0;

/** A conversation through the real Runtime with memory stores, the keyword recogniser and the ticket effects. */
export class Transcript {
  readonly sessions: MemorySessionStore;
  readonly tickets = new MemoryTicketStore();
  readonly pushed: Delivery[] = [];
  readonly runtime: Runtime;
  readonly userId = `t${++conversations}`;
  private messages = 0;
  now = Date.UTC(2026, 10, 25, 2, 0, 0);

  private constructor(
    catalog: Catalog,
    readonly locale: Locale,
  ) {
    const clock = { now: () => this.now };
    this.sessions = new MemorySessionStore(clock.now, { turnWaitMs: 5000, dedupeTtlMs: 86_400_000 });
    const channels = new ChannelRegistry();
    channels.register({ channel: 'web', push: async (d) => void this.pushed.push(d) });
    this.runtime = new Runtime({
      sessions: this.sessions,
      recognizer: createKeywordRecognizer(),
      catalog,
      clock,
      channels,
      effects: { ...ticketEffects({ tickets: this.tickets, halls: SAMPLE_REGION_TABLE }), rememberLocale: () => {} },
      logger: createLogger('silent'),
      sessionTtlMs: 30 * 60_000,
      maxTextLength: 2000,
    });
  }

  private static catalog: Promise<Catalog> | undefined;
  static async start(locale: Locale = 'zh-CN'): Promise<Transcript> {
    Transcript.catalog ??= Catalog.load();
    return new Transcript(await Transcript.catalog, locale);
  }

  get conversationId(): string {
    return `web:${this.userId}`;
  }

  async say(text: string): Promise<OutboundMessage[]> {
    this.now += 1000;
    const { replies } = await this.runtime.handle({
      channel: 'web',
      userId: this.userId,
      conversationId: this.conversationId,
      messageId: `m${++this.messages}`,
      text,
      locale: this.locale,
      receivedAt: this.now,
    });
    return replies;
  }

  async dispatch(event: ConversationEvent, eventId: string): Promise<OutboundMessage[]> {
    return this.runtime.dispatch(
      { conversationId: this.conversationId, channel: 'web', userId: this.userId, locale: this.locale },
      event,
      eventId,
    );
  }

  /** The machine's state as a dotted path (`application.phone`). */
  async state(): Promise<string> {
    const record = await this.sessions.load(this.conversationId);
    const path = (v: unknown): string =>
      typeof v === 'string'
        ? v
        : (Object.entries(v as Record<string, unknown>).map(([k, c]) => `${k}.${path(c)}`)[0] ?? '');
    return path((record?.snapshot as { value?: unknown } | undefined)?.value ?? '');
  }

  /** Play lines in order, checking each answer. */
  async play(lines: Line[]): Promise<OutboundMessage[][]> {
    const all: OutboundMessage[][] = [];
    for (const line of lines) {
      const replies = await this.say(line.say);
      all.push(replies);
      const keys = replies.map((r) => r.key);
      const where = `after "${line.say}" got [${keys.join(', ')}]`;
      if (line.keys) expectSubsequence(keys, line.keys, where);
      for (const k of line.notKeys ?? []) expect(keys, where).not.toContain(k);
      if (line.text) expect(replies.map((r) => r.text).join('\n'), where).toMatch(line.text);
      if (line.state) expect(await this.state(), where).toBe(line.state);
    }
    return all;
  }
}

function expectSubsequence(actual: string[], wanted: string[], where: string): void {
  let i = 0;
  for (const key of actual) if (key === wanted[i]) i++;
  expect(i === wanted.length ? wanted : actual, where).toEqual(wanted);
}
