import type { SurveySubject } from '../src/core/effect.js';
import type { ConversationEvent } from '../src/core/event.js';
import type { MessageRef, QuickReplyRef, ReplyRef } from '../src/core/message.js';
import type { Intent } from '../src/core/nlu.js';
import { conversationSetup, said, type ConversationContext } from './setup.js';
import { say } from './replies.js';

/**
 * Satisfaction survey (SERVICE_PROCESS.md section 4): a 1-5 score, then an optional comment.
 * Generic over its subject, so an agent conversation and a ticket's handling use the same one:
 *
 *   on: { 'ticket.statusChanged': { actions: startSurvey(({ event }) => ({ kind: 'ticket', number: event.number })),
 *                                   target: '#conversation.survey' } }
 *
 * Unanswered, it goes away quietly: the next unrelated message is answered as usual, and a
 * timer ends it without a word.
 */
export interface SurveySlot {
  subject: SurveySubject;
  /** Stable per survey: the comment's record replaces the score-only one. */
  surveyId: string;
  score?: number;
  /** How long the survey waits for an answer, ms. */
  ttlMs: number;
}

export const SURVEY_TIMER = 'survey.expire';
export const AGENT_SURVEY_TTL_MS = 30 * 60_000;
export const TICKET_SURVEY_TTL_MS = 24 * 3_600_000;
export const SKIP = 'survey:skip';

/** Intents that mean the user moved on to something else rather than commenting. */
const MOVED_ON: readonly Intent[] = [
  'apply',
  'close',
  'status',
  'agent',
  'materials',
  'hours',
  'channels',
  'help',
  'cancel',
  'greet',
];
const SKIPS = /^(survey:skip|跳过|跳過|skip|不用了?|没有了?|沒有了?|no|nothing|无|無)$/iu;
const CHINESE_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5 };

/** "5", "5分", "4 satisfied", "五星": the score, or undefined. */
export function scoreOf(text: string): number | undefined {
  const m =
    /^\s*([1-5一二三四五])\s*(分|星|颗星|顆星|stars?|points?)?\b/iu.exec(text) ??
    /^\s*([1-5一二三四五])(?=\s|$|分|星)/u.exec(text);
  if (!m) return undefined;
  const d = m[1]!;
  return CHINESE_DIGITS[d] ?? Number(d);
}

const slotOf = (context: ConversationContext): SurveySlot | undefined => context.flows.survey as SurveySlot | undefined;
const textOf = (event: ConversationEvent) => said(event)?.text.trim() ?? '';
const subjectKey = (s: SurveySubject) => (s.kind === 'agent' ? `agent:${s.agent}` : `ticket:${s.number}`);

/** Set the survey up; follow with `target: '#conversation.survey'`. */
export const startSurvey = (
  subject: (args: { context: ConversationContext; event: ConversationEvent }) => SurveySubject,
  ttlMs = AGENT_SURVEY_TTL_MS,
) =>
  conversationSetup.assign({
    flows: ({ context, event }) => {
      const s = subject({ context, event });
      const survey: SurveySlot = { subject: s, surveyId: `${subjectKey(s)}:${event.at}`, ttlMs };
      return { ...context.flows, survey };
    },
  });

const scoreButtons: QuickReplyRef[] = [5, 4, 3, 2, 1].map((n) => ({
  label: { key: `survey.score${n}` },
  value: String(n),
}));
const record = (withComment: boolean) => ({
  type: 'recordSatisfaction' as const,
  params: ({ context, event }: { context: ConversationContext; event: ConversationEvent }) => {
    const slot = slotOf(context)!;
    const comment = withComment ? textOf(event).slice(0, 1000) : '';
    return { surveyId: slot.surveyId, subject: slot.subject, score: slot.score ?? 0, ...(comment ? { comment } : {}) };
  },
});
const stopTimer = { type: 'cancelTimer' as const, params: { timerId: SURVEY_TIMER } };
const ourTimer = ({ event }: { event: ConversationEvent }) =>
  event.type === 'timer.fired' && event.timerId === SURVEY_TIMER;
const passOn = conversationSetup.raise(({ event }) => event);

export const surveyState = conversationSetup.createStateConfig({
  initial: 'score',
  entry: {
    type: 'scheduleTimer',
    params: ({ context, event }) => ({
      timerId: SURVEY_TIMER,
      at: event.at + (slotOf(context)?.ttlMs ?? AGENT_SURVEY_TTL_MS),
    }),
  },
  states: {
    score: {
      meta: { expecting: 'score' },
      entry: {
        type: 'reply',
        params: ({ context }): ReplyRef => {
          const s = slotOf(context)?.subject;
          const message: MessageRef =
            s?.kind === 'ticket'
              ? { key: 'survey.askTicket', params: { number: s.number } }
              : { key: 'survey.askAgent', params: { agent: s?.agent ?? '' } };
          return { message, quickReplies: scoreButtons };
        },
      },
      on: {
        'user.said': [
          {
            guard: ({ event }) => scoreOf(textOf(event)) !== undefined,
            actions: [
              conversationSetup.assign({
                flows: ({ context, event }) => ({
                  ...context.flows,
                  survey: { ...slotOf(context)!, score: scoreOf(textOf(event))! },
                }),
              }),
              record(false),
            ],
            target: 'comment',
          },
          // Not an answer: the survey goes quietly and the words are answered as usual.
          { actions: [stopTimer, passOn], target: '#conversation.ready' },
        ],
        'timer.fired': { guard: ourTimer, target: '#conversation.ready' },
      },
    },
    comment: {
      meta: { expecting: 'text' },
      entry: say('survey.askComment', [{ label: { key: 'survey.skip' }, value: SKIP }]),
      on: {
        'user.said': [
          {
            guard: ({ event }) => SKIPS.test(textOf(event)),
            actions: [stopTimer, say('survey.thanks')],
            target: '#conversation.ready',
          },
          {
            guard: ({ event }) => {
              const intent = said(event)?.understanding.intent;
              return intent !== undefined && MOVED_ON.includes(intent);
            },
            actions: [stopTimer, passOn],
            target: '#conversation.ready',
          },
          { actions: [record(true), stopTimer, say('survey.thanks')], target: '#conversation.ready' },
        ],
        'timer.fired': { guard: ourTimer, target: '#conversation.ready' },
      },
    },
  },
});
