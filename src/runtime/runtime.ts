import type { Logger } from 'pino';
import type { Effect } from '../core/effect.js';
import type { ConversationEvent, ConversationInput } from '../core/event.js';
import {
  DEFAULT_LOCALE,
  type InboundMessage,
  type Locale,
  type OutboundMessage,
  type ReplyRef,
} from '../core/message.js';
import { INTENTS, type Intent, type NluContext, type Recognizer, type Understanding } from '../core/nlu.js';
import type { Clock, SessionRecord, SessionStore, TranscriptLine, TurnTicket } from '../core/ports.js';
import type { Catalog } from './catalog.js';
import type { ChannelRegistry } from './delivery.js';
import type { EffectContext, EffectHandler, EffectHandlers } from './effects.js';
import type { TurnObserver } from './observer.js';
import { DeferredWork } from './deferred-work.js';
import { sanitizeText } from './sanitize-text.js';
import {
  CONVERSATION_MACHINE_VERSION,
  expectationOf,
  storedSnapshot,
  restoreConversation,
  startConversation,
  step,
  type ConversationSnapshot,
} from './machine-step.js';

export interface RuntimeOptions {
  sessions: SessionStore;
  recognizer: Recognizer;
  catalog: Catalog;
  clock: Clock;
  channels: ChannelRegistry;
  effects: EffectHandlers;
  logger: Logger;
  sessionTtlMs: number;
  maxTextLength: number;
  /** Told about every turn, effect and failure (metrics, analytics); optional. */
  observer?: TurnObserver;
  /** Messages one conversation may send a minute (0 or absent: no limit); over it, a polite refusal and no turn. */
  userPerMinute?: number;
  /**
   * Work to send with a turn's commit, in its write, given the turn's top-level state after it
   * and what the bot said (the bot's words shown live to agents); undefined for none. It goes
   * out before the commit is known to have succeeded.
   */
  alongCommit?: (
    conversationId: string,
    state: string,
    replies: OutboundMessage[],
    at: number,
  ) => (() => Promise<unknown>) | undefined;
}

/** What a turn touched, gathered while it runs, for its log line and the observer. */
interface TurnTrace {
  tickets: Set<string>;
  /** Top-level state of the conversation after the turn. */
  state?: string;
}

export interface TurnResult {
  replies: OutboundMessage[];
  /** The message id had been processed before; `replies` are what was answered then. */
  duplicate: boolean;
  /** Arrival number of this turn in its conversation (store-assigned), for diagnostics. */
  seq?: number;
  /** User turns the session has had, this one included. */
  turn?: number;
  /** Set when the message was refused before any turn (`KEFU_TEXT_TOO_LONG`, `KEFU_RATE_LIMITED`, ...). */
  refused?: string;
}

/** Where a proactive event goes: the conversation and how to reach its user. */
export interface ConversationTarget {
  conversationId: string;
  channel: InboundMessage['channel'];
  userId: string;
  locale?: Locale;
}

/** `application` of `{ application: 'personal' }`: the flow the conversation is in. */
const topState = (value: unknown): string =>
  typeof value === 'string' ? value : value && typeof value === 'object' ? (Object.keys(value)[0] ?? '') : '';

/** Steps per turn, follow-up events included; a machine that loops is a bug, not a hang. */
const MAX_STEPS = 20;
const INTENT_PREFIX = 'intent:';
const intents = new Set<string>(INTENTS);

/**
 * The turn pipeline of DESIGN.md: dedupe, serialize, load, understand, decide, execute
 * effects, save, reply. Machines decide; this executes.
 */
export class Runtime {
  private readonly inFlight = new Set<Promise<unknown>>();
  /**
   * The live snapshot behind each persisted one this process committed: a store that hands the
   * same record back (the Redis store keeps the sessions it committed) skips restoring it.
   */
  private readonly live = new WeakMap<object, ConversationSnapshot>();

  constructor(private readonly o: RuntimeOptions) {}

  /** Handle one user message; resolves with the replies for the channel to send. */
  handle(message: InboundMessage): Promise<TurnResult> {
    return this.track(this.userTurn(message));
  }

  /**
   * Run a proactive event (timer, agent, staff action) through the conversation and push what
   * it says to the user's channel. `eventId` makes a re-run of the same event a no-op.
   */
  dispatch(target: ConversationTarget, event: ConversationEvent, eventId: string): Promise<OutboundMessage[]> {
    return this.track(this.eventTurn(target, event, eventId));
  }

  /** Resolves when every turn started so far has finished (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async userTurn(message: InboundMessage): Promise<TurnResult> {
    const text = sanitizeText(message.postback ?? message.text);
    const refusal = this.refuse(text, message);
    if (refusal) return { replies: [refusal.reply], duplicate: false, refused: refusal.code };
    // The rate limit is counted by the turn start itself: one round trip, and a duplicate is not counted.
    const started = await this.o.sessions.beginTurn(
      message.conversationId,
      `${message.channel}:${message.messageId}`,
      this.o.userPerMinute ? { perMinute: this.o.userPerMinute } : undefined,
    );
    if (started.kind === 'limited') {
      const reply = this.notice('errors.rateLimited', message.locale ?? DEFAULT_LOCALE);
      return { replies: [reply], duplicate: false, refused: 'KEFU_RATE_LIMITED' };
    }
    if (started.kind === 'duplicate') return { replies: started.replies, duplicate: true };
    const startedAt = performance.now();
    const trace: TurnTrace = { tickets: new Set() };
    let understood: Understanding | undefined;
    const input: ConversationInput = {
      channel: message.channel,
      userId: message.userId,
      locale: message.locale ?? DEFAULT_LOCALE,
    };
    const turn = (started.session?.turns ?? 0) + 1;
    const replies = await this.inTurn(
      started.turn,
      started.session,
      input,
      async (snapshot, session) => {
        const understanding = await this.understand(text, snapshot, session);
        understood = understanding;
        // A pressed button's words are its value (or typed label), whatever the user typed to pick it.
        const said = understanding.choice !== undefined ? understanding.text : text;
        const event: ConversationEvent = { type: 'user.said', text: said, understanding, at: this.o.clock.now() };
        if (message.locale) event.channelLocale = message.locale;
        return event;
      },
      { text, turns: turn, said: message.text.trim(), at: message.receivedAt },
      trace,
    );
    this.observeTurn(message.conversationId, message.channel, 'user.said', startedAt, trace, replies, {
      started: !started.session,
      text,
      ...(understood ? { intent: understood.intent, confidence: understood.confidence } : {}),
    });
    return { replies, duplicate: false, seq: started.turn.seq, turn };
  }

  private async eventTurn(
    target: ConversationTarget,
    event: ConversationEvent,
    eventId: string,
  ): Promise<OutboundMessage[]> {
    const started = await this.o.sessions.beginTurn(target.conversationId, `event:${eventId}`);
    if (started.kind === 'duplicate') return started.replies;
    if (started.kind !== 'ready') throw new Error(`unexpected turn start ${started.kind} for an event`);
    const startedAt = performance.now();
    const trace: TurnTrace = { tickets: new Set('number' in event ? [event.number] : []) };
    const input: ConversationInput = {
      channel: target.channel,
      userId: target.userId,
      locale: target.locale ?? DEFAULT_LOCALE,
    };
    const replies = await this.inTurn(started.turn, started.session, input, async () => event, { at: event.at }, trace);
    this.observeTurn(target.conversationId, target.channel, event.type, startedAt, trace, replies, {
      started: !started.session,
    });
    if (replies.length > 0) {
      // Pushed once: the turn start answered a second dispatch of this event id as a duplicate.
      await this.o.channels.push({ ...target, messages: replies, eventId, deduped: true, inHistory: true });
    }
    return replies;
  }

  /** The part of a turn between begin and commit; aborts (nothing saved) on any failure. */
  private async inTurn(
    turn: TurnTicket,
    session: SessionRecord | undefined,
    input: ConversationInput,
    makeEvent: (snapshot: ConversationSnapshot, session: SessionRecord | undefined) => Promise<ConversationEvent>,
    /** The user's message (user turns), and when the turn's lines are dated in the transcript. */
    turnOf: { text?: string; turns?: number; said?: string; at: number },
    trace?: TurnTrace,
  ): Promise<OutboundMessage[]> {
    const text = turnOf.text;
    try {
      const restored = session ? this.restore(session, turn.conversationId) : undefined;
      let snapshot: ConversationSnapshot;
      const effects: Effect[] = [];
      if (restored) {
        snapshot = restored;
      } else {
        const started = startConversation(session ? { ...input, locale: session.locale } : input);
        snapshot = started.snapshot;
        effects.push(...started.effects);
        if (session) {
          // Written by another machine version (a deploy): start again, and say so.
          this.o.logger.info(
            { conversationId: turn.conversationId, from: session.machineVersion },
            'session restarted after upgrade',
          );
          const restarted = step(snapshot, { type: 'session.restarted', at: this.o.clock.now() });
          snapshot = restarted.snapshot;
          effects.push(...restarted.effects);
        }
      }
      const first = step(snapshot, await makeEvent(snapshot, session));
      snapshot = first.snapshot;
      effects.push(...first.effects);
      const said: ReplyRef[] = [];
      let deferred: DeferredWork | undefined;
      for (let i = 0, steps = 1; i < effects.length; i++) {
        const effect = effects[i]!;
        if (effect.type === 'reply') {
          said.push(effect.params);
          continue;
        }
        const handler = this.o.effects[effect.type] as EffectHandler<typeof effect.type> | undefined;
        if (!handler) {
          this.o.logger.warn({ effect: effect.type, conversationId: turn.conversationId }, 'no handler for effect');
          continue;
        }
        deferred ??= new DeferredWork();
        deferred.send();
        const followUp = await handler(effect.params as never, this.effectContext(turn, snapshot, text, deferred));
        this.observeEffect(effect, turn.conversationId, snapshot.context.channel, trace);
        if (followUp?.type === 'ticket.created') trace?.tickets.add(followUp.number);
        if (followUp) {
          if (++steps > MAX_STEPS) throw new Error(`conversation machine exceeded ${MAX_STEPS} steps in one turn`);
          const next = step(snapshot, followUp);
          snapshot = next.snapshot;
          effects.push(...next.effects);
        }
      }
      const locale = snapshot.context.locale;
      const replies = said.map((r) => this.o.catalog.render(r, locale));
      const lastButtons = said.findLast((r) => r.quickReplies?.length)?.quickReplies;
      const record: SessionRecord = {
        machineVersion: CONVERSATION_MACHINE_VERSION,
        snapshot: storedSnapshot(snapshot, { conversationId: turn.conversationId, locale }),
        locale,
        turns: turnOf.turns ?? session?.turns ?? 0,
        updatedAt: this.o.clock.now(),
      };
      if (lastButtons) {
        record.choices = lastButtons.map((b) => b.value);
        record.choiceLabels = lastButtons.map((b) => this.o.catalog.text(b.label, locale));
      }
      // What agents will read if the conversation reaches them, saved with the turn (no extra round trip).
      const lines: TranscriptLine[] = turnOf.said ? [{ from: 'user', text: turnOf.said, at: turnOf.at }] : [];
      for (const r of replies) lines.push({ from: 'bot', text: r.text, at: turnOf.at });
      const state = topState(snapshot.value);
      const along = this.o.alongCommit?.(turn.conversationId, state, replies, turnOf.at);
      if (along) (deferred ??= new DeferredWork()).add(along);
      await this.commit(turn, record, replies, lines, deferred);
      if (snapshot.status === 'active') this.live.set(record.snapshot as object, snapshot);
      if (trace) trace.state = state;
      return replies;
    } catch (err) {
      this.observeError(err);
      await this.o.sessions.abortTurn(turn).catch((abortErr: unknown) => {
        this.o.logger.error({ err: abortErr, conversationId: turn.conversationId }, 'could not abort turn');
      });
      throw err;
    }
  }

  /**
   * Save the turn, with the work its effects deferred sent just before, in the same event-loop
   * turn, so that a Redis-backed store sends all of it in one write. Only the commit's failure
   * fails the turn: by then the other work's outcome cannot undo what the user was told.
   */
  private async commit(
    turn: TurnTicket,
    record: SessionRecord,
    replies: OutboundMessage[],
    lines: TranscriptLine[],
    deferred: DeferredWork | undefined,
  ): Promise<void> {
    if (!deferred) {
      await this.o.sessions.commitTurn(turn, record, replies, this.o.sessionTtlMs, lines);
      return;
    }
    deferred.send();
    const [committed, outcomes] = await Promise.all([
      this.o.sessions.commitTurn(turn, record, replies, this.o.sessionTtlMs, lines).then(
        () => undefined,
        (err: unknown) => ({ err }),
      ),
      deferred.settle(),
    ]);
    if (committed) throw committed.err;
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') continue;
      this.observeError(outcome.reason);
      this.o.logger.error(
        { err: outcome.reason, conversationId: turn.conversationId },
        'deferred work of a turn failed; the turn stands',
      );
    }
  }

  /** The conversation a stored session holds, or undefined when it must start again. */
  private restore(session: SessionRecord, conversationId: string): ConversationSnapshot | undefined {
    const persisted = session.snapshot;
    const live = typeof persisted === 'object' && persisted !== null ? this.live.get(persisted) : undefined;
    if (live && session.machineVersion === CONVERSATION_MACHINE_VERSION) return live;
    return restoreConversation(persisted, session.machineVersion, { conversationId, locale: session.locale });
  }

  /** What an effect handler is told about the turn (a method, not a closure per turn: it is rarely needed). */
  private effectContext(
    turn: TurnTicket,
    snapshot: ConversationSnapshot,
    text: string | undefined,
    deferred: DeferredWork,
  ): EffectContext {
    const ctx: EffectContext = {
      conversationId: turn.conversationId,
      channel: snapshot.context.channel,
      userId: snapshot.context.userId,
      locale: snapshot.context.locale,
      // Message ids are chosen by clients (web) or unique only per platform: scoped to the
      // conversation, so one user's id can never replay another user's ticket or message.
      turnKey: `${turn.conversationId}|${turn.dedupeKey}`,
      now: this.o.clock.now(),
      defer: deferred.add,
    };
    if (text !== undefined) ctx.text = text;
    return ctx;
  }

  /** One line per turn with the conversation and the tickets it touched; the observer hears of it too. */
  private observeTurn(
    conversationId: string,
    channel: InboundMessage['channel'],
    event: ConversationEvent['type'],
    startedAt: number,
    trace: TurnTrace,
    replies: OutboundMessage[],
    extra: { started: boolean; text?: string; intent?: Intent; confidence?: number },
  ): void {
    const durationMs = performance.now() - startedAt;
    const tickets = [...trace.tickets];
    // Fields set one by one: spreading optional parts into a literal costs ~1 us a line on Node 20.
    const line: Record<string, unknown> = { conversationId, channel, event };
    if (tickets.length > 0) line.ticket = tickets.join(',');
    if (extra.intent) {
      line.intent = extra.intent;
      line.confidence = extra.confidence;
    }
    line.durationMs = Math.round(durationMs * 10) / 10;
    this.o.logger.info(line, 'turn');
    if (!this.o.observer) return;
    try {
      this.o.observer.turn({
        conversationId,
        channel,
        event,
        tickets,
        durationMs,
        at: this.o.clock.now(),
        state: trace.state ?? '',
        replies,
        ...extra,
      });
    } catch (err) {
      this.o.logger.warn({ err, conversationId }, 'turn observer failed');
    }
  }

  private observeEffect(
    effect: Effect,
    conversationId: string,
    channel: InboundMessage['channel'],
    trace?: TurnTrace,
  ): void {
    if (effect.type === 'updateTicket') trace?.tickets.add(effect.params.number);
    try {
      this.o.observer?.effect(effect.type, effect.params, { conversationId, channel, at: this.o.clock.now() });
    } catch (err) {
      this.o.logger.warn({ err, conversationId }, 'effect observer failed');
    }
  }

  private observeError(err: unknown): void {
    const code = (err as { code?: unknown } | undefined)?.code;
    try {
      this.o.observer?.error(typeof code === 'string' && code.startsWith('KEFU_') ? code : 'KEFU_INTERNAL');
    } catch {
      // An observer's failure must not hide the turn's own error.
    }
  }

  /** Understanding with the dialogue's expectation; buttons and numbered choices resolve first. */
  private async understand(
    text: string,
    snapshot: ConversationSnapshot,
    session: SessionRecord | undefined,
  ): Promise<Understanding> {
    const direct = this.intentValue(text) ?? this.pressedButton(text, session);
    if (direct) return direct;
    const expecting = expectationOf(snapshot);
    const context: NluContext = { locale: snapshot.context.locale };
    if (expecting) context.expecting = expecting;
    if (session?.choices) context.choices = session.choices;
    const understanding = await this.o.recognizer.understand(text, context);
    if (understanding.choice) {
      // "第一个" and the like: the recogniser picked a button; answer as if it was pressed.
      return this.buttonAnswer(understanding.choice, understanding.choice);
    }
    return understanding;
  }

  /**
   * The user pressed or named one of the buttons last offered: by its value (a postback), by
   * typing its label, or by its number in a numbered menu (SMS, WeChat, Teams render buttons so).
   */
  private pressedButton(text: string, session: SessionRecord | undefined): Understanding | undefined {
    const values = session?.choices;
    if (!values?.length) return undefined;
    if (values.includes(text)) return this.buttonAnswer(text, text);
    const lower = text.toLowerCase();
    const byLabel = session?.choiceLabels?.findIndex((label) => label.toLowerCase() === lower) ?? -1;
    if (byLabel >= 0 && values[byLabel]) return this.buttonAnswer(values[byLabel], text);
    const n = /^\d{1,2}$/.test(text) ? Number(text) : 0;
    const byNumber = n >= 1 ? values[n - 1] : undefined;
    return byNumber ? this.buttonAnswer(byNumber, byNumber) : undefined;
  }

  /**
   * A pressed button: `intent:<name>` is that intent; any other value is an answer to the question
   * asked, never a new intent (the model must not hear "person" in "personal" and call an agent).
   * `text` is what the dialogue reads as the user's words.
   */
  private buttonAnswer(value: string, text: string): Understanding {
    return this.intentValue(value) ?? { text, intent: 'other', confidence: 1, entities: [], choice: value };
  }

  /** A button value `intent:<name>` is understood as that intent whatever the language. */
  private intentValue(value: string): Understanding | undefined {
    if (!value.startsWith(INTENT_PREFIX)) return undefined;
    const intent = value.slice(INTENT_PREFIX.length);
    return intents.has(intent) ? { text: value, intent: intent as Intent, confidence: 1, entities: [] } : undefined;
  }

  /** A catalog message outside any turn (`errors.busy`, `errors.rateLimited`), in `locale`. */
  notice(key: string, locale: Locale, params?: Record<string, string | number>): OutboundMessage {
    return this.o.catalog.render({ message: params ? { key, params } : { key } }, locale);
  }

  /** Messages refused before any turn: empty (after sanitizing) or over the length limit. */
  private refuse(text: string, message: InboundMessage): { reply: OutboundMessage; code: string } | undefined {
    const locale = message.locale ?? DEFAULT_LOCALE;
    if (text.length === 0) return { reply: this.notice('errors.empty', locale), code: 'KEFU_EMPTY_MESSAGE' };
    if ([...text].length > this.o.maxTextLength) {
      return {
        reply: this.notice('errors.tooLong', locale, { max: this.o.maxTextLength }),
        code: 'KEFU_TEXT_TOO_LONG',
      };
    }
    return undefined;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => {});
    return promise;
  }
}
