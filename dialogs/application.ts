import { raise } from 'xstate';
import type { ConversationEvent, UserSaidEvent } from '../src/core/event.js';
import {
  AGREEMENT_VERSION,
  EXPECTING,
  FIELD_ORDER,
  formatAddress,
  nextField,
  summaryReply,
  ticketDraft,
  type Field,
} from './application-fields.js';
import { fillDraft, saysFields, type Asking, type FlowDraft } from './application-fill.js';
import { offlineState, wantsOffline } from './application-offline.js';
import { interrupts } from './interrupts.js';
import { say, sayMenu } from './replies.js';
import { conversationSetup, type ConversationContext } from './setup.js';

// One empty draft (frozen: drafts are never changed in place), so that reading it twice is the same object.
const NO_DRAFT: FlowDraft = Object.freeze({});
/** `context.flows.application`: the unfinished application; it stays for the session's lifetime. */
export const draftOf = (context: ConversationContext): FlowDraft =>
  (context.flows.application as FlowDraft | undefined) ?? NO_DRAFT;
const withDraft = (context: ConversationContext, draft: FlowDraft) => ({
  flows: { ...context.flows, application: draft },
});
const userSaid = (event: ConversationEvent): UserSaidEvent | undefined =>
  event.type === 'user.said' ? event : undefined;

const asking = (what: Asking) =>
  conversationSetup.assign(({ context }) => withDraft(context, { ...draftOf(context), asking: what }));

/**
 * `fillDraft` once per message and draft: the transition's guards read the filled draft to pick
 * the next question, and its action keeps it.
 */
const fills = new WeakMap<UserSaidEvent, { from: FlowDraft; quiet: boolean; result: ReturnType<typeof fillDraft> }>();
function fillOnce(from: FlowDraft, e: UserSaidEvent, quiet: boolean): ReturnType<typeof fillDraft> {
  const last = fills.get(e);
  if (last && last.from === from && last.quiet === quiet) return last.result;
  const result = fillDraft(from, e, quiet);
  fills.set(e, { from, quiet, result });
  return result;
}

/** Read the user's words into the draft and say what was wrong or missing. */
const fill = (quiet: boolean) =>
  conversationSetup.enqueueActions(({ context, event, enqueue }) => {
    const e = userSaid(event);
    if (!e) return;
    const { draft, replies } = fillOnce(draftOf(context), e, quiet);
    enqueue.assign(withDraft(context, draft));
    for (const params of replies) enqueue({ type: 'reply', params });
  });

const hasFields = ({ context, event }: { context: ConversationContext; event: ConversationEvent }) => {
  const e = userSaid(event);
  return e !== undefined && saysFields(draftOf(context), e);
};
const intentWithoutFields =
  (...intents: string[]) =>
  (args: { context: ConversationContext; event: ConversationEvent }) =>
    intents.includes(userSaid(args.event)?.understanding.intent ?? '') && !hasFields(args);

const CONSENT = /^(?:consent:agree|(?:我)?同意(?:协议|協議|并提交|並提交)?|(?:yes,? )?i agree|agree)[!！。.]?$/i;
const DECLINE = /不同意|disagree|do not agree|don't agree|decline/i;

const fieldState = (field: Field) =>
  conversationSetup.createStateConfig({
    meta: { expecting: EXPECTING[field] },
    entry: [
      asking(field),
      {
        type: 'reply',
        params: ({ context }) => {
          const d = draftOf(context);
          const name =
            d.userType === 'enterprise' && field === 'name'
              ? 'handlerName'
              : d.userType === 'enterprise' && field === 'idNumber'
                ? 'handlerId'
                : field;
          return { message: { key: `application.ask.${name}` } };
        },
      },
    ],
  });

const ALL_FIELDS = [...new Set([...FIELD_ORDER.enterprise, ...FIELD_ORDER.personal])];

/** What the flow asks for next with this draft: the user type, the next missing field, or consent. */
type NextAsk = 'choosingType' | Field | 'consent';
const nextAsk = (d: FlowDraft): NextAsk => (!d.userType ? 'choosingType' : (nextField(d) ?? 'consent'));
const ASKS: readonly NextAsk[] = ['choosingType', ...ALL_FIELDS, 'consent'];

/**
 * The user's words read into the draft, then straight to the next question: what the `route`
 * state would choose, in one transition instead of two (a microstep and an xstate snapshot less
 * on every answer).
 */
const fillThenAsk = ASKS.map((next) => ({
  guard: ({ context, event }: { context: ConversationContext; event: ConversationEvent }) => {
    const e = userSaid(event);
    return e !== undefined && nextAsk(fillOnce(draftOf(context), e, false).draft) === next;
  },
  actions: fill(false),
  target: `.${next}`,
}));

/**
 * The application flow (SERVICE_PROCESS.md sections 1-2): user type, every field from whatever
 * the user writes (several at once; only what is missing is asked), corrections, digressions,
 * acceptance summary with masked data, proposed plan, explicit consent, then the ticket.
 */
export const applicationState = conversationSetup.createStateConfig({
  initial: 'route',
  entry: [
    conversationSetup.enqueueActions(({ context, enqueue }) => {
      const d = draftOf(context);
      if (d.userType || Object.keys(d).some((k) => k !== 'asking'))
        enqueue({ type: 'reply', params: { message: { key: 'application.resumed' } } });
      enqueue.assign(withDraft(context, { ...d, asking: 'type' }));
    }),
    fill(true),
  ],
  on: {
    'user.said': [
      ...interrupts,
      { guard: ({ event }) => wantsOffline(userSaid(event)?.text ?? ''), target: '.offline' },
      {
        // Another topic: keep the draft ("继续" brings it back) and let the main menu answer.
        guard: intentWithoutFields('status', 'complaint', 'suggestion', 'close', 'goodbye'),
        actions: [say('application.paused'), raise(({ event }) => event)],
        target: '#conversation.ready',
      },
      {
        guard: intentWithoutFields('materials'),
        actions: {
          type: 'reply',
          params: ({ context }) => ({
            message: { key: `application.materials.${draftOf(context).userType ?? 'any'}` },
          }),
        },
        target: '.route',
      },
      { guard: intentWithoutFields('hours'), actions: say('info.hours'), target: '.route' },
      { guard: intentWithoutFields('channels'), actions: say('info.channels'), target: '.route' },
      { guard: intentWithoutFields('help'), actions: say('application.help'), target: '.route' },
      ...fillThenAsk,
    ],
  },
  states: {
    route: {
      always: [
        // The words that started the flow may already ask for the business hall.
        { guard: ({ event }) => wantsOffline(userSaid(event)?.text ?? ''), target: 'offline' },
        ...ASKS.map((next) => ({
          guard: ({ context }: { context: ConversationContext }) => nextAsk(draftOf(context)) === next,
          target: next,
        })),
      ],
    },
    choosingType: {
      meta: { expecting: 'choice' },
      entry: [
        asking('type'),
        say('application.chooseType', [
          { label: { key: 'application.type.personal' }, value: 'personal' },
          { label: { key: 'application.type.enterprise' }, value: 'enterprise' },
          { label: { key: 'application.type.offline' }, value: 'offline' },
        ]),
      ],
    },
    ...Object.fromEntries(ALL_FIELDS.map((f) => [f, fieldState(f)])),
    consent: {
      meta: { expecting: 'yesno' },
      entry: [
        asking('consent'),
        { type: 'reply', params: ({ context }) => summaryReply(draftOf(context)) },
        {
          type: 'reply',
          params: ({ context }) => {
            const a = draftOf(context).address;
            return {
              message: {
                key: 'application.plan',
                params: { area: a ? `${a.province === a.city ? '' : a.province}${a.city}` : '' },
              },
            };
          },
        },
        say('application.consentAsk', [
          { label: { key: 'application.agree' }, value: 'consent:agree' },
          { label: { key: 'application.cancelButton' }, value: 'intent:cancel' },
        ]),
      ],
      on: {
        'user.said': [
          ...interrupts,
          {
            guard: ({ event }) => CONSENT.test((userSaid(event)?.text ?? '').trim()),
            actions: [
              // Consent is recorded with the event's time and the agreement's version.
              conversationSetup.assign(({ context, event }) =>
                withDraft(context, {
                  ...draftOf(context),
                  consent: { at: event.at, agreementVersion: AGREEMENT_VERSION },
                }),
              ),
              {
                type: 'createTicket',
                params: ({ context }) => ({ kind: 'application' as const, draft: ticketDraft(draftOf(context)) }),
              },
            ],
            target: 'submitting',
          },
          {
            guard: ({ event }) =>
              DECLINE.test(userSaid(event)?.text ?? '') || userSaid(event)?.understanding.intent === 'deny',
            actions: [say('application.declined'), sayMenu()],
            target: '#conversation.ready',
          },
        ],
      },
    },
    submitting: {
      on: {
        'ticket.created': {
          actions: [
            {
              type: 'reply',
              params: ({ context, event }) => {
                const a = draftOf(context).address;
                return {
                  message: {
                    key: 'application.created',
                    params: { number: event.number, address: a ? formatAddress(a) : '' },
                  },
                };
              },
            },
            conversationSetup.assign(({ context }) => {
              const { application: _done, ...flows } = context.flows;
              return { flows };
            }),
          ],
          target: '#conversation.ready',
        },
      },
    },
    offline: offlineState,
  },
});

/** For `ready`: "继续" brings an unfinished application back where it stopped. */
export const resumeApplication = {
  guard: ({ context, event }: { context: ConversationContext; event: ConversationEvent }) =>
    /^(?:继续|繼續|继续申请|繼續申請|continue|resume)[!！。.]?$/i.test(userSaid(event)?.text.trim() ?? '') &&
    context.flows.application !== undefined,
  target: 'application',
} as const;
