import type { ConversationEvent } from '../src/core/event.js';
import { conversationSetup } from './setup.js';
import { interrupts } from './interrupts.js';
import { intentButton, say, sayMenu } from './replies.js';

const said = (event: ConversationEvent) => (event.type === 'user.said' ? event : undefined);

/** "删除我的信息" / "delete my data", understood without an intent (src/nlu/erase-request.ts). */
export const eraseRequested = ({ event }: { event: ConversationEvent }) =>
  said(event)?.understanding.eraseRequest === true;

/**
 * Erasing personal data (PIPL): say what will go and what stays, ask yes or no, then erase.
 * The conversation's own memory (every flow's draft, with its ID numbers and phones) is dropped
 * here; the stores' copies go in the `erasePersonalData` effect (src/runtime/erase-effects.ts).
 */
export const eraseState = conversationSetup.createStateConfig({
  meta: { expecting: 'yesno' },
  entry: say('privacy.confirmErase', [intentButton('affirm', 'privacy.yes'), intentButton('deny', 'privacy.no')]),
  on: {
    'user.said': [
      ...interrupts,
      {
        guard: ({ event }) => said(event)?.understanding.intent === 'affirm',
        actions: [
          conversationSetup.assign({ flows: () => ({}), misunderstandings: 0 }),
          { type: 'erasePersonalData', params: {} },
          say('privacy.erased'),
          sayMenu(),
        ],
        target: '#conversation.ready',
      },
      {
        guard: ({ event }) => said(event)?.understanding.intent === 'deny',
        actions: [say('privacy.kept'), sayMenu()],
        target: '#conversation.ready',
      },
      {
        actions: say('privacy.confirmAgain', [
          intentButton('affirm', 'privacy.yes'),
          intentButton('deny', 'privacy.no'),
        ]),
      },
    ],
  },
});
