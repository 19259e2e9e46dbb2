import type { ConversationEvent } from '../src/core/event.js';
import type { EntityType } from '../src/core/nlu.js';
import { interrupts } from './interrupts.js';
import { say, sayMenu } from './replies.js';
import { conversationSetup, said } from './setup.js';

/** One ticket as a status answer shows it; text already in the user's language (the lookup renders it). */
export interface TicketView {
  number: string;
  kind: string;
  state: string;
  timeline: string;
  next: string;
}

/** What the `status.*` lookups answer: the user's matching tickets (none when unknown or not theirs). */
export interface StatusResult {
  tickets: TicketView[];
  /** Older tickets left out of the answer. */
  more?: number;
}

interface StatusSlot {
  phone?: string;
  tries?: number;
}

const slotOf = (flows: Record<string, unknown>): StatusSlot => (flows.status as StatusSlot | undefined) ?? {};
const entity = (event: ConversationEvent, type: EntityType) =>
  said(event)?.understanding.entities.find((e) => e.type === type)?.value;
const resultOf = (event: ConversationEvent, name: string): StatusResult | undefined =>
  event.type === 'lookup.result' && event.lookup === name ? (event.result as StatusResult) : undefined;
const isResult =
  (name: string) =>
  ({ event }: { event: ConversationEvent }) =>
    event.type === 'lookup.result' && event.lookup === name;
const ID_LAST6 = /^\s*(\d{5}[\dXx])\s*$/;
const idLast6 = (event: ConversationEvent) => {
  const u = said(event);
  const full = u?.understanding.entities.find((e) => e.type === 'id_number')?.value;
  return full ? full.slice(-6).toUpperCase() : ID_LAST6.exec(u?.text ?? '')?.[1]?.toUpperCase();
};

/** The answers for a lookup result, one message a ticket; `emptyKey` when nothing matched. */
const answer = (name: string, emptyKey: string) =>
  conversationSetup.enqueueActions(({ event, enqueue }) => {
    const result = resultOf(event, name);
    const tickets = result?.tickets ?? [];
    if (tickets.length === 0) {
      enqueue({ type: 'reply', params: { message: { key: emptyKey } } });
      return;
    }
    for (const t of tickets) {
      enqueue({ type: 'reply', params: { message: { key: 'status.answer', params: { ...t } } } });
    }
    if (result?.more)
      enqueue({ type: 'reply', params: { message: { key: 'status.more', params: { count: result.more } } } });
  });

const countTry = conversationSetup.assign({
  flows: ({ context }) => ({
    ...context.flows,
    status: { ...slotOf(context.flows), tries: (slotOf(context.flows).tries ?? 0) + 1 },
  }),
});
const tooManyTries = ({ context }: { context: { flows: Record<string, unknown> } }) =>
  (slotOf(context.flows).tries ?? 0) >= 1;

/** Messages with a ticket number go straight to that ticket's status, from the main menu state. */
export const ticketNumberTransition = {
  guard: ({ event }: { event: ConversationEvent }) => entity(event, 'ticket') !== undefined,
  target: '#conversation.status.byNumber',
} as const;

/** Status queries (issue 5): by ticket number, the user's own tickets, or mobile number plus ID check. */
export const statusState = conversationSetup.createStateConfig({
  initial: 'mine',
  // The phone number asked for the check is not kept beyond the query.
  exit: conversationSetup.assign({ flows: ({ context }) => ({ ...context.flows, status: {} }) }),
  states: {
    mine: {
      entry: { type: 'lookup', params: { lookup: 'status.mine', query: {} } },
      on: {
        'lookup.result': [
          {
            guard: ({ event }) => (resultOf(event, 'status.mine')?.tickets.length ?? 0) > 0,
            actions: [answer('status.mine', 'status.noneMine'), sayMenu()],
            target: '#conversation.ready',
          },
          { guard: isResult('status.mine'), target: 'ask' },
        ],
      },
    },
    byNumber: {
      entry: {
        type: 'lookup',
        params: ({ event }) => ({ lookup: 'status.byNumber', query: { number: entity(event, 'ticket') ?? '' } }),
      },
      on: {
        'lookup.result': {
          guard: isResult('status.byNumber'),
          actions: [answer('status.byNumber', 'status.notFound'), sayMenu()],
          target: '#conversation.ready',
        },
      },
    },
    ask: {
      meta: { expecting: 'ticket' },
      entry: say('status.askNumberOrPhone'),
      on: {
        'user.said': [
          ...interrupts,
          { guard: ({ event }) => entity(event, 'ticket') !== undefined, target: 'byNumber' },
          {
            guard: ({ event }) => entity(event, 'phone') !== undefined,
            actions: conversationSetup.assign({
              flows: ({ context, event }) => ({
                ...context.flows,
                status: { ...slotOf(context.flows), phone: entity(event, 'phone') },
              }),
            }),
            target: 'askId',
          },
          { guard: tooManyTries, actions: [say('status.notUnderstood'), sayMenu()], target: '#conversation.ready' },
          { actions: [countTry, say('status.askAgain')] },
        ],
      },
    },
    askId: {
      meta: { expecting: 'text' },
      entry: say('status.askIdLast6'),
      on: {
        'user.said': [
          ...interrupts,
          { guard: ({ event }) => idLast6(event) !== undefined, target: 'byPhone' },
          { guard: tooManyTries, actions: [say('status.notUnderstood'), sayMenu()], target: '#conversation.ready' },
          { actions: [countTry, say('status.badIdLast6')] },
        ],
      },
    },
    byPhone: {
      entry: {
        type: 'lookup',
        params: ({ context, event }) => ({
          lookup: 'status.byPhone',
          query: { phone: slotOf(context.flows).phone ?? '', idLast6: idLast6(event) ?? '' },
        }),
      },
      on: {
        'lookup.result': {
          guard: isResult('status.byPhone'),
          actions: [answer('status.byPhone', 'status.notFoundByPhone'), sayMenu()],
          target: '#conversation.ready',
        },
      },
    },
  },
});

const STEPS = ['acknowledge', 'review', 'activation', 'closure', 'reply'];

/** Root handlers for proactive timers: a missed deadline's delay notice (延时通知). */
export const delayNoticeTransitions = [
  {
    guard: ({ event }: { event: ConversationEvent }) =>
      event.type === 'timer.fired' && event.timerId.startsWith('sla:') && STEPS.includes(String(event.params?.step)),
    actions: {
      type: 'reply',
      params: ({ event }: { event: ConversationEvent }) => {
        const p = event.type === 'timer.fired' ? (event.params ?? {}) : {};
        return {
          message: { key: `notify.delay.${String(p.step)}`, params: { number: String(p.number), due: String(p.due) } },
        };
      },
    },
  },
] as const;
