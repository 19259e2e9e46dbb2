import type { ConversationEvent, UserSaidEvent } from '../src/core/event.js';
import type { QuickReplyRef, ReplyRef } from '../src/core/message.js';
import { parseAddress } from '../src/domain/address.js';
import {
  classifyFeedback,
  describesSomething,
  feedbackTypeOf,
  praisedAgentOf,
  type FeedbackClassification,
  type FeedbackType,
} from '../src/domain/feedback-classifier.js';
import { normalizeMobile } from '../src/domain/phone.js';
import { formatCst } from '../src/domain/sla-policy.js';
import { TICKET_NUMBER } from '../src/domain/ticket.js';
import { toHandoff } from './handoff.js';
import { interrupts } from './interrupts.js';
import { intentButton, say, sayMenu } from './replies.js';
import { conversationSetup, said, type ConversationContext } from './setup.js';
import { startSurvey, TICKET_SURVEY_TTL_MS } from './survey.js';

/**
 * Feedback intake (issue 6, SERVICE_PROCESS.md section 4): a complaint, a suggestion or praise
 * in the user's own words. Only what is missing is asked: a description, the location of a
 * network problem, the related ticket of a handling problem, a contact number. An urgent
 * complaint skips the questions and goes to a human at once, with its FK ticket.
 */
export interface FeedbackSlot {
  type: FeedbackType;
  description?: string;
  classification?: FeedbackClassification;
  relatedTicket?: string;
  phone?: string;
  location?: string;
  agentPraised?: string;
  /** The related-ticket question was answered with "none". */
  noRelated?: boolean;
  number?: string;
}

export const SKIP_RELATED = 'feedback:none';
const NONE = /^(feedback:none|没有|沒有|无|無|不用|没有工单|沒有工單|none|no|skip|跳过|跳過)$/iu;
const RELATED_CATEGORIES = new Set(['business_handling', 'broadband_installation']);

const slotOf = (context: ConversationContext) => context.flows.feedback as FeedbackSlot;
const entity = (event: UserSaidEvent, type: string) => event.understanding.entities.find((e) => e.type === type)?.value;

/** Province and city as the recogniser found them, e.g. 广东省深圳市 (a municipality once: 北京市). */
function placeOf(event: UserSaidEvent): string | undefined {
  const province = entity(event, 'province');
  const city = entity(event, 'city');
  if (!province && !city) return undefined;
  return province && city && province !== city ? `${province}${city}` : (city ?? province);
}

/** Phone and ticket from the recogniser, else from the validators on the text. */
const phoneIn = (event: UserSaidEvent) =>
  entity(event, 'phone') ?? normalizeMobile(event.text) ?? /1[3-9]\d{9}/.exec(event.text.replace(/[\s-]/g, ''))?.[0];
const ticketIn = (event: UserSaidEvent) =>
  entity(event, 'ticket') ?? TICKET_NUMBER.exec(event.text.trim().toUpperCase())?.[0];

/** What a message tells us, added to what we knew (earlier answers are not overwritten). */
function absorb(slot: FeedbackSlot, event: UserSaidEvent): FeedbackSlot {
  const next = { ...slot };
  const phone = phoneIn(event);
  const ticket = ticketIn(event);
  const place = placeOf(event);
  if (phone && !next.phone) next.phone = phone;
  if (ticket && !next.relatedTicket) next.relatedTicket = ticket;
  if (place && !next.location) next.location = place;
  return next;
}

/** Sets the description and decides category and urgency from it. */
function describe(slot: FeedbackSlot, text: string): FeedbackSlot {
  const description = text.trim().slice(0, 2000);
  const next: FeedbackSlot = { ...slot, description, classification: classifyFeedback(description, slot.type) };
  const agent = slot.type === 'praise' ? praisedAgentOf(description) : undefined;
  if (agent && !next.agentPraised) next.agentPraised = agent;
  return next;
}

/** The answer to "where": province, city and the rest when they can be told apart, else the words as said. */
function locationIn(event: UserSaidEvent): string {
  const parsed = parseAddress(event.text);
  if (!parsed.province) return placeOf(event) ?? event.text.trim().slice(0, 200);
  const city = parsed.city && parsed.city.name !== parsed.province.name ? parsed.city.name : '';
  return `${parsed.province.name}${city}${parsed.detail}`.slice(0, 200);
}

const setSlot = (change: (slot: FeedbackSlot, event: UserSaidEvent, context: ConversationContext) => FeedbackSlot) =>
  conversationSetup.assign({
    flows: ({ context, event }) => {
      const e = said(event);
      return e ? { ...context.flows, feedback: change(slotOf(context), e, context) } : context.flows;
    },
  });

/** The first message: its type, and whatever it already says. */
const begin = conversationSetup.assign({
  flows: ({ context, event }) => {
    const e = said(event);
    const intent = e?.understanding.intent === 'suggestion' ? 'suggestion' : 'complaint';
    let slot: FeedbackSlot = { type: feedbackTypeOf(e?.text ?? '', intent) };
    if (e) {
      slot = absorb(slot, e);
      if (describesSomething(e.text)) slot = describe(slot, e.text);
    }
    // On SMS the user id is the number they write from: no need to ask for it.
    const own = context.channel === 'sms' ? normalizeMobile(context.userId) : null;
    if (own && !slot.phone) slot.phone = own;
    return { ...context.flows, feedback: slot };
  },
});

type Guard = ({ context }: { context: ConversationContext }) => boolean;
const complaint = (s: FeedbackSlot) => s.type === 'complaint' && s.classification?.urgency !== 'urgent';
const needsDescription: Guard = ({ context }) => !slotOf(context).description;
const needsLocation: Guard = ({ context }) => {
  const s = slotOf(context);
  return complaint(s) && s.classification?.category === 'network_signal' && !s.location;
};
const needsRelated: Guard = ({ context }) => {
  const s = slotOf(context);
  return complaint(s) && RELATED_CATEGORIES.has(s.classification?.category ?? '') && !s.relatedTicket && !s.noRelated;
};
const needsPhone: Guard = ({ context }) => complaint(slotOf(context)) && !slotOf(context).phone;
const isUrgent: Guard = ({ context }) => slotOf(context).classification?.urgency === 'urgent';

const describeKey: Record<FeedbackType, string> = {
  complaint: 'feedback.askDescription',
  suggestion: 'feedback.askSuggestion',
  praise: 'feedback.askPraise',
};

/** The draft of the FK ticket; the effect handler adds the department and the due time. */
function draftOf(s: FeedbackSlot): Record<string, unknown> {
  const c = s.classification ?? classifyFeedback(s.description ?? '', s.type);
  const draft: Record<string, unknown> = {
    type: s.type,
    category: c.category,
    urgency: c.urgency,
    explanation: c.explanation,
    description: s.description ?? '',
  };
  for (const k of ['relatedTicket', 'phone', 'location', 'agentPraised'] as const) if (s[k]) draft[k] = s[k];
  return draft;
}

const dueOf = (event: ConversationEvent) =>
  event.type === 'ticket.created' && event.deadlines?.reply !== undefined
    ? formatCst(event.deadlines.reply)
    : undefined;
const numberOf = (event: ConversationEvent) => (event.type === 'ticket.created' ? event.number : '');
const rememberNumber = conversationSetup.assign({
  flows: ({ context, event }) => ({ ...context.flows, feedback: { ...slotOf(context), number: numberOf(event) } }),
});
/** Anything said while the ticket is being made (no handler answered) is answered as usual. */
const passOn = { target: '#conversation.ready' as const, actions: conversationSetup.raise(({ event }) => event) };
const urgentHandoff = toHandoff('urgent_complaint');
const skipButton: QuickReplyRef = { label: { key: 'feedback.noRelated' }, value: SKIP_RELATED };

export const feedbackState = conversationSetup.createStateConfig({
  initial: 'next',
  entry: begin,
  states: {
    /** Decides the next question; never rests here. */
    next: {
      always: [
        { guard: needsDescription, target: 'describing' },
        { guard: needsLocation, target: 'locating' },
        { guard: needsRelated, target: 'relating' },
        { guard: needsPhone, target: 'contact' },
        { target: 'submitting' },
      ],
    },
    describing: {
      meta: { expecting: 'text' },
      entry: { type: 'reply', params: ({ context }) => ({ message: { key: describeKey[slotOf(context).type] } }) },
      on: {
        'user.said': [...interrupts, { actions: setSlot((s, e) => describe(absorb(s, e), e.text)), target: 'next' }],
      },
    },
    locating: {
      meta: { expecting: 'address' },
      entry: say('feedback.askLocation'),
      on: {
        'user.said': [
          ...interrupts,
          {
            actions: setSlot((s, e) => ({ ...absorb(s, e), location: locationIn(e) })),
            target: 'next',
          },
        ],
      },
    },
    relating: {
      meta: { expecting: 'ticket' },
      entry: say('feedback.askRelated', [skipButton]),
      on: {
        'user.said': [
          ...interrupts,
          {
            guard: ({ event }) => NONE.test(said(event)?.text.trim() ?? ''),
            actions: setSlot((s) => ({ ...s, noRelated: true })),
            target: 'next',
          },
          {
            guard: ({ event }) => said(event)?.understanding.intent === 'deny',
            actions: setSlot((s) => ({ ...s, noRelated: true })),
            target: 'next',
          },
          {
            guard: ({ event }) => {
              const e = said(event);
              return e !== undefined && (ticketIn(e) !== undefined || phoneIn(e) !== undefined);
            },
            // A phone number is the line concerned: it serves as the reference and the contact.
            actions: setSlot((s, e) => ({ ...absorb(s, e), noRelated: ticketIn(e) === undefined })),
            target: 'next',
          },
          { actions: say('feedback.relatedInvalid', [skipButton]) },
        ],
      },
    },
    contact: {
      meta: { expecting: 'phone' },
      entry: say('feedback.askPhone'),
      on: {
        'user.said': [
          ...interrupts,
          {
            guard: ({ event }) => {
              const e = said(event);
              return e !== undefined && phoneIn(e) !== undefined;
            },
            actions: setSlot((s, e) => ({ ...s, phone: phoneIn(e) ?? '' })),
            target: 'next',
          },
          { actions: say('feedback.phoneInvalid') },
        ],
      },
    },
    submitting: {
      entry: {
        type: 'createTicket',
        params: ({ context }) => ({ kind: 'feedback' as const, draft: draftOf(slotOf(context)) }),
      },
      on: {
        'ticket.created': [
          {
            guard: isUrgent,
            actions: [
              rememberNumber,
              {
                type: 'reply',
                params: ({ event }) => ({ message: { key: 'feedback.urgent', params: { number: numberOf(event) } } }),
              },
              urgentHandoff.actions,
            ],
            target: urgentHandoff.target,
          },
          {
            guard: ({ context }) => slotOf(context).type !== 'complaint',
            actions: [
              rememberNumber,
              {
                type: 'reply',
                params: ({ context, event }) => ({
                  message: {
                    key: slotOf(context).type === 'praise' ? 'feedback.thanksPraise' : 'feedback.thanksSuggestion',
                    params: { number: numberOf(event) },
                  },
                }),
              },
              sayMenu(),
            ],
            target: '#conversation.ready',
          },
          {
            actions: [
              rememberNumber,
              {
                type: 'reply',
                params: ({ event }): ReplyRef => {
                  const due = dueOf(event);
                  const number = numberOf(event);
                  return due
                    ? {
                        message: { key: 'feedback.created', params: { number, due } },
                        quickReplies: [intentButton('agent', 'menu.agent')],
                      }
                    : { message: { key: 'feedback.createdNoDue', params: { number } } };
                },
              },
            ],
            target: '#conversation.ready',
          },
        ],
        'user.said': passOn,
      },
    },
  },
});

/** A staff reply reaches the user; from the main menu the satisfaction survey follows. */
const sayStaffReply = {
  type: 'reply' as const,
  params: ({ event }: { event: ConversationEvent }) => ({
    message: {
      key: 'feedback.staffReply',
      params: event.type === 'ticket.replied' ? { number: event.number, text: event.text } : { number: '', text: '' },
    },
  }),
};

/** For `ready`: the reply, then the survey about the ticket's handling. */
export const ticketRepliedThenSurvey = {
  actions: [
    sayStaffReply,
    startSurvey(
      ({ event }) => ({ kind: 'ticket', number: event.type === 'ticket.replied' ? event.number : '' }),
      TICKET_SURVEY_TTL_MS,
    ),
  ],
  target: '#conversation.survey' as const,
};

/** For the root: in the middle of something else (a flow, an agent) the reply is told and nothing interrupted. */
export const ticketRepliedElsewhere = { actions: sayStaffReply };
