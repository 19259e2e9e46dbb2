import type { ConversationEvent } from '../src/core/event.js';
import { findCity, parseAddress } from '../src/domain/address.js';
import { userTypeOf } from './application-parse.js';
import type { FlowDraft } from './application-fill.js';
import { interrupts } from './interrupts.js';
import { say } from './replies.js';
import { conversationSetup, type ConversationContext } from './setup.js';

/** The user would rather go to a business hall (线下办理). */
export const wantsOffline = (text: string): boolean =>
  /(?:去|到|在)(?:营业厅|營業廳|网点|網點)(?:办|辦|申请|申請)|线下|線下|到店|现场办理|現場辦理|(?:at|to|visit) (?:a |the )?business hall|in person|offline/i.test(
    text,
  );

/** Halls shown at most: a long list in a chat is not read. */
const MAX_HALLS = 5;

interface HallsResult {
  city: string;
  halls: { name: string; address: string; phone: string; hours: { weekdays: string; weekends: string } }[];
}

const draftOf = (context: ConversationContext): FlowDraft => (context.flows.application ?? {}) as FlowDraft;
const withDraft = (context: ConversationContext, draft: FlowDraft) => ({
  flows: { ...context.flows, application: draft },
});
const textOf = (event: ConversationEvent) => (event.type === 'user.said' ? event.text : '');
const cityIn = (text: string): string | undefined => (parseAddress(text).city ?? findCity(text))?.name;

/** Take the user type and city from the words, when they are there. */
const readOffline = conversationSetup.assign(({ context, event }) => {
  const d: FlowDraft = { ...draftOf(context), asking: 'offline' };
  const text = textOf(event);
  const type = d.userType ?? userTypeOf(text);
  if (type) d.userType = type;
  const city = cityIn(text) ?? d.offlineCity ?? d.address?.city;
  if (city) d.offlineCity = city;
  return withDraft(context, d);
});

/**
 * The offline path: materials for the user type and the halls with their hours for the user's
 * city, from the configurable region table (asked of the runtime with a `halls` lookup). No ticket.
 */
export const offlineState = conversationSetup.createStateConfig({
  initial: 'check',
  entry: readOffline,
  states: {
    check: {
      always: [
        { guard: ({ context }) => !draftOf(context).userType, target: 'askType' },
        { guard: ({ context }) => !draftOf(context).offlineCity, target: 'askCity' },
        { target: 'lookup' },
      ],
    },
    askType: {
      meta: { expecting: 'choice' },
      entry: say('application.offline.askType', [
        { label: { key: 'application.type.personal' }, value: 'personal' },
        { label: { key: 'application.type.enterprise' }, value: 'enterprise' },
      ]),
      on: {
        'user.said': [
          ...interrupts,
          { guard: ({ event }) => userTypeOf(textOf(event)) !== undefined, actions: readOffline, target: 'check' },
          { actions: say('application.notUnderstood'), target: 'askType', reenter: true },
        ],
      },
    },
    askCity: {
      meta: { expecting: 'address' },
      entry: say('application.offline.askCity'),
      on: {
        'user.said': [
          ...interrupts,
          { guard: ({ event }) => cityIn(textOf(event)) !== undefined, actions: readOffline, target: 'check' },
          { actions: say('application.offline.unknownCity'), target: 'askCity', reenter: true },
        ],
      },
    },
    lookup: {
      entry: {
        type: 'lookup',
        params: ({ context }) => ({ lookup: 'halls', query: { city: draftOf(context).offlineCity ?? '' } }),
      },
      on: {
        'lookup.result': {
          guard: ({ event }) => event.lookup === 'halls',
          actions: conversationSetup.enqueueActions(({ context, event, enqueue }) => {
            if (event.type !== 'lookup.result') return;
            const { city, halls } = event.result as HallsResult;
            enqueue({
              type: 'reply',
              params: { message: { key: `application.offline.materials.${draftOf(context).userType ?? 'personal'}` } },
            });
            if (halls.length === 0)
              enqueue({ type: 'reply', params: { message: { key: 'application.offline.noHall', params: { city } } } });
            else
              enqueue({
                type: 'reply',
                params: { message: { key: 'application.offline.hallsIntro', params: { city, count: halls.length } } },
              });
            for (const h of halls.slice(0, MAX_HALLS)) {
              const params = {
                name: h.name,
                address: h.address,
                phone: h.phone,
                weekdays: h.hours.weekdays,
                weekends: h.hours.weekends,
              };
              enqueue({ type: 'reply', params: { message: { key: 'application.offline.hall', params } } });
            }
            enqueue({ type: 'reply', params: { message: { key: 'application.offline.closing' } } });
          }),
          target: '#conversation.ready',
        },
      },
    },
  },
});
