import { raise } from 'xstate';
import { conversationSetup } from './setup.js';
import { interrupts } from './interrupts.js';
import { say, sayMenu, intentButton } from './replies.js';
import { applicationState, resumeApplication } from './application.js';
import { closureState } from './closure.js';
import { ticketNotice } from './ticket-notice.js';
import { handoffState } from './handoff.js';
import { surveyState } from './survey.js';
import { delayNoticeTransitions, statusState, ticketNumberTransition } from './status.js';
import { hoursState } from './hours.js';
import { feedbackState, ticketRepliedElsewhere, ticketRepliedThenSurvey } from './feedback.js';
import { eraseRequested, eraseState } from './erase.js';

/**
 * Bump when a state is renamed or removed: stored snapshots of another version are not
 * restored (xstate cannot resolve missing states); the conversation restarts politely.
 */
export const CONVERSATION_MACHINE_VERSION = 2;

const resetMisunderstandings = 'resetMisunderstandings' as const;

/** The root conversation: welcome, main menu, quick answers, fallback, and the flows below it. */
export const conversationMachine = conversationSetup.createMachine({
  id: 'conversation',
  context: ({ input }) => ({ ...input, misunderstandings: 0, flows: {} }),
  initial: 'ready',
  on: {
    'session.restarted': { actions: say('root.restarted') },
    'ticket.replied': ticketRepliedElsewhere,
    'ticket.statusChanged': ticketNotice,
    'timer.fired': [...delayNoticeTransitions],
  },
  states: {
    ready: {
      meta: { expecting: 'choice' },
      on: {
        'ticket.replied': ticketRepliedThenSurvey,
        'user.said': [
          ...interrupts,
          {
            // Writing in another of our languages switches to it without being asked.
            guard: 'writesOtherLanguage',
            // ...and the same words are then answered, in the new language, by the transitions below.
            actions: [
              'adoptLocale',
              { type: 'rememberLocale', params: ({ context }) => ({ locale: context.locale }) },
              raise(({ event }) => event),
            ],
          },
          { guard: eraseRequested, actions: resetMisunderstandings, target: 'erase' },
          {
            guard: { type: 'intent', params: { intent: 'greet' } },
            actions: [resetMisunderstandings, say('root.welcome'), sayMenu()],
          },
          { ...ticketNumberTransition, actions: resetMisunderstandings },
          {
            guard: { type: 'intent', params: { intent: 'help' } },
            actions: [resetMisunderstandings, say('root.help'), sayMenu()],
          },
          {
            guard: { type: 'intent', params: { intent: 'materials' } },
            actions: [resetMisunderstandings, say('info.materials'), sayMenu()],
          },
          {
            guard: { type: 'intent', params: { intent: 'hours' } },
            actions: resetMisunderstandings,
            target: 'hours',
          },
          {
            guard: { type: 'intent', params: { intent: 'channels' } },
            actions: [resetMisunderstandings, say('info.channels'), sayMenu()],
          },
          { ...resumeApplication, actions: resetMisunderstandings },
          {
            guard: { type: 'intent', params: { intent: 'apply' } },
            actions: resetMisunderstandings,
            target: 'application',
          },
          {
            guard: { type: 'intent', params: { intent: 'close' } },
            actions: resetMisunderstandings,
            target: 'closure',
          },
          {
            guard: { type: 'intent', params: { intent: 'status' } },
            actions: resetMisunderstandings,
            target: 'status',
          },
          {
            guard: { type: 'intentIn', params: { intents: ['complaint', 'suggestion'] } },
            actions: resetMisunderstandings,
            target: 'feedback',
          },
          {
            guard: { type: 'intent', params: { intent: 'goodbye' } },
            actions: [resetMisunderstandings, say('root.goodbye')],
          },
          {
            guard: { type: 'intentIn', params: { intents: ['affirm', 'deny'] } },
            actions: [resetMisunderstandings, sayMenu()],
          },
          {
            guard: 'secondMisunderstanding',
            actions: [
              resetMisunderstandings,
              say('root.offerAgent', [intentButton('agent', 'menu.agent'), intentButton('help', 'menu.back')]),
            ],
          },
          {
            actions: ['countMisunderstanding', say('root.notUnderstood'), sayMenu()],
          },
        ],
      },
    },
    application: applicationState,
    closure: closureState,
    handoff: handoffState,
    survey: surveyState,
    feedback: feedbackState,
    status: statusState,
    hours: hoursState,
    erase: eraseState,
  },
});

export type ConversationMachine = typeof conversationMachine;
