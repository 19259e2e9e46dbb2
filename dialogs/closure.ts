import type { ConversationEvent } from '../src/core/event.js';
import { checkMobile } from '../src/domain/phone.js';
import { interrupts } from './interrupts.js';
import { intentButton, say, sayMenu } from './replies.js';
import { conversationSetup, type ConversationContext } from './setup.js';

/** `context.flows.closure`: one closure request in progress. */
interface ClosureDraft {
  attempts: number;
  ticket?: string;
  candidates?: { number: string; area: string }[];
  selected?: { number: string; area: string };
}

/** What the `verifyIdentity` lookup answers; only tickets the proof matched, never personal data. */
export interface VerifyResult {
  verified: boolean;
  active: { number: string; area: string }[];
  others: { number: string; status: string }[];
}

/** Wrong proofs allowed before the user is sent to an agent instead. */
const MAX_ATTEMPTS = 3;

const draftOf = (c: ConversationContext): ClosureDraft => (c.flows.closure ?? { attempts: 0 }) as ClosureDraft;
const withDraft = (c: ConversationContext, d: ClosureDraft) => ({ flows: { ...c.flows, closure: d } });
const textOf = (e: ConversationEvent) => (e.type === 'user.said' ? e.text.normalize('NFKC').trim() : '');
const verify = (e: ConversationEvent): VerifyResult | undefined =>
  e.type === 'lookup.result' && e.lookup === 'verifyIdentity' ? (e.result as VerifyResult) : undefined;

/** The proof of identity in a message: a mobile number, a whole ID number, or its last 6 characters. */
export function proofOf(text: string): string | undefined {
  const phone = /(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}/.exec(text);
  if (phone) {
    const m = checkMobile(phone[0]);
    if (m.ok) return m.value;
  }
  return /(?<![0-9A-Za-z])(?:\d{17}|\d{5})[0-9Xx](?![0-9A-Za-z])/.exec(text)?.[0].toUpperCase();
}

const clear = conversationSetup.assign(({ context }) => {
  const { closure: _done, ...flows } = context.flows;
  return { flows };
});

/**
 * Closing a service (SERVICE_PROCESS.md section 1, 服务关闭): identity first (last 6 of the ID
 * number or the mobile on file, checked by the runtime), nothing shown before; then which
 * service, confirmation, and the ticket moves to closure_requested.
 */
export const closureState = conversationSetup.createStateConfig({
  initial: 'askProof',
  entry: conversationSetup.assign(({ context, event }) => {
    const ticket =
      event.type === 'user.said' ? event.understanding.entities.find((e) => e.type === 'ticket')?.value : undefined;
    return withDraft(context, { attempts: 0, ...(ticket ? { ticket } : {}) });
  }),
  states: {
    askProof: {
      meta: { expecting: 'text' },
      entry: say('closure.askProof'),
      on: {
        'user.said': [
          ...interrupts,
          {
            guard: ({ event }) => proofOf(textOf(event)) !== undefined,
            actions: {
              type: 'lookup',
              params: ({ context, event }) => {
                const ticket = draftOf(context).ticket;
                return {
                  lookup: 'verifyIdentity',
                  query: { proof: proofOf(textOf(event)) ?? '', ...(ticket ? { ticket } : {}) },
                };
              },
            },
            target: 'verifying',
          },
          { actions: say('closure.proofFormat') },
        ],
      },
    },
    verifying: {
      on: {
        'lookup.result': [
          {
            guard: ({ event }) => verify(event)?.verified === false,
            actions: [
              conversationSetup.assign(({ context }) =>
                withDraft(context, { ...draftOf(context), attempts: draftOf(context).attempts + 1 }),
              ),
              conversationSetup.enqueueActions(({ context, enqueue }) => {
                if (draftOf(context).attempts < MAX_ATTEMPTS)
                  enqueue({ type: 'reply', params: { message: { key: 'closure.notVerified' } } });
              }),
            ],
            target: 'afterFailure',
          },
          {
            guard: ({ event }) => verify(event)?.active.length === 1,
            actions: conversationSetup.assign(({ context, event }) =>
              withDraft(context, { ...draftOf(context), selected: verify(event)!.active[0]! }),
            ),
            target: 'confirming',
          },
          {
            guard: ({ event }) => (verify(event)?.active.length ?? 0) > 1,
            actions: conversationSetup.assign(({ context, event }) =>
              withDraft(context, { ...draftOf(context), candidates: verify(event)!.active }),
            ),
            target: 'choosing',
          },
          {
            guard: ({ event }) => verify(event) !== undefined,
            actions: [
              {
                type: 'reply',
                params: ({ event }) => ({
                  message: {
                    key: 'closure.noneActive',
                    params: {
                      tickets:
                        verify(event)!
                          .others.map((t) => t.number)
                          .join(', ') || '-',
                    },
                  },
                }),
              },
              clear,
              sayMenu(),
            ],
            target: '#conversation.ready',
          },
        ],
      },
    },
    afterFailure: {
      always: [
        { guard: ({ context }) => draftOf(context).attempts < MAX_ATTEMPTS, target: 'askProof' },
        {
          actions: [say('closure.lockedOut', [intentButton('agent', 'menu.agent')]), clear],
          target: '#conversation.ready',
        },
      ],
    },
    choosing: {
      meta: { expecting: 'choice' },
      entry: {
        type: 'reply',
        params: ({ context }) => ({
          message: { key: 'closure.choose' },
          quickReplies: (draftOf(context).candidates ?? []).map((c) => ({
            label: { key: 'closure.ticketButton', params: c },
            value: c.number,
          })),
        }),
      },
      on: {
        'user.said': [
          ...interrupts,
          {
            guard: ({ context, event }) =>
              (draftOf(context).candidates ?? []).some((c) => textOf(event).toUpperCase().includes(c.number)),
            actions: conversationSetup.assign(({ context, event }) => {
              const d = draftOf(context);
              const picked = (d.candidates ?? []).find((c) => textOf(event).toUpperCase().includes(c.number));
              return withDraft(context, picked ? { ...d, selected: picked } : d);
            }),
            target: 'confirming',
          },
          { target: 'choosing', reenter: true },
        ],
      },
    },
    confirming: {
      meta: { expecting: 'yesno' },
      entry: {
        type: 'reply',
        params: ({ context }) => ({
          message: { key: 'closure.confirm', params: draftOf(context).selected ?? { number: '', area: '' } },
          quickReplies: [intentButton('affirm', 'closure.yes'), intentButton('deny', 'closure.no')],
        }),
      },
      on: {
        'user.said': [
          ...interrupts,
          {
            guard: ({ event }) =>
              (event.type === 'user.said' && event.understanding.intent === 'affirm') ||
              /确认|確認|confirm/i.test(textOf(event)),
            actions: {
              type: 'updateTicket',
              params: ({ context }) => ({
                number: draftOf(context).selected?.number ?? '',
                status: 'closure_requested',
                note: 'requested by the user in conversation',
              }),
            },
            target: 'submitting',
          },
          {
            guard: { type: 'intent', params: { intent: 'deny' } },
            actions: [say('closure.kept'), clear, sayMenu()],
            target: '#conversation.ready',
          },
          { actions: say('closure.confirmAgain') },
        ],
      },
    },
    submitting: {
      on: {
        'ticket.statusChanged': {
          actions: [
            {
              type: 'reply',
              params: ({ event }) => ({ message: { key: 'closure.requested', params: { number: event.number } } }),
            },
            clear,
          ],
          target: '#conversation.ready',
        },
        'lookup.result': {
          actions: [say('closure.failed', [intentButton('agent', 'menu.agent')]), clear],
          target: '#conversation.ready',
        },
      },
    },
  },
});
