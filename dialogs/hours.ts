import type { ConversationEvent } from '../src/core/event.js';
import { interrupts } from './interrupts.js';
import { say, sayMenu } from './replies.js';
import { conversationSetup, said } from './setup.js';

/** What the `hours.halls` lookup answers: the city found (display name, canonical name) and its halls, rendered. */
export interface HoursResult {
  found: 'halls' | 'no_halls' | 'no_city';
  city?: string;
  cityName?: string;
  halls?: string;
}

interface HoursSlot {
  /** Canonical city name the user gave before: not asked again this session. */
  city?: string;
  asked?: boolean;
}

const slotOf = (flows: Record<string, unknown>): HoursSlot => (flows.hours as HoursSlot | undefined) ?? {};
const resultOf = (event: ConversationEvent): HoursResult | undefined =>
  event.type === 'lookup.result' && event.lookup === 'hours.halls' ? (event.result as HoursResult) : undefined;
const found =
  (kind: HoursResult['found']) =>
  ({ event }: { event: ConversationEvent }) =>
    resultOf(event)?.found === kind;

/** "营业厅几点开门": online and phone 24 h, business halls of the user's city from the region table. */
export const hoursState = conversationSetup.createStateConfig({
  initial: 'lookup',
  exit: conversationSetup.assign({
    flows: ({ context }) => ({
      ...context.flows,
      hours: { ...(slotOf(context.flows).city ? { city: slotOf(context.flows).city } : {}) },
    }),
  }),
  states: {
    lookup: {
      entry: {
        type: 'lookup',
        params: ({ context, event }) => {
          const u = said(event)?.understanding;
          const city = u?.entities.find((e) => e.type === 'city')?.value ?? '';
          const province = u?.entities.find((e) => e.type === 'province')?.value ?? '';
          return {
            lookup: 'hours.halls',
            query: { city, province, text: u?.text ?? '', remembered: slotOf(context.flows).city ?? '' },
          };
        },
      },
      on: {
        'lookup.result': [
          {
            guard: found('halls'),
            actions: [
              conversationSetup.assign({
                flows: ({ context, event }) => ({ ...context.flows, hours: { city: resultOf(event)?.cityName } }),
              }),
              say('hours.online'),
              {
                type: 'reply',
                params: ({ event }) => ({
                  message: {
                    key: 'hours.halls',
                    params: { city: resultOf(event)?.city ?? '', halls: resultOf(event)?.halls ?? '' },
                  },
                }),
              },
              sayMenu(),
            ],
            target: '#conversation.ready',
          },
          {
            guard: found('no_halls'),
            actions: [
              say('hours.online'),
              {
                type: 'reply',
                params: ({ event }) => ({
                  message: { key: 'hours.noHalls', params: { city: resultOf(event)?.city ?? '' } },
                }),
              },
              sayMenu(),
            ],
            target: '#conversation.ready',
          },
          {
            guard: ({ context }) => !slotOf(context.flows).asked,
            actions: conversationSetup.assign({
              flows: ({ context }) => ({ ...context.flows, hours: { ...slotOf(context.flows), asked: true } }),
            }),
            target: 'askCity',
          },
          { actions: [say('hours.unknownCity'), sayMenu()], target: '#conversation.ready' },
        ],
      },
    },
    askCity: {
      meta: { expecting: 'address' },
      entry: say('hours.askCity'),
      on: {
        'user.said': [...interrupts, { target: 'lookup' }],
      },
    },
  },
});
