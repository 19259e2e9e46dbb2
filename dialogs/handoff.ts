import type { HandoffReason } from '../src/core/effect.js';
import type { ConversationEvent } from '../src/core/event.js';
import type { QuickReplyRef, ReplyRef } from '../src/core/message.js';
import { maskPersonalData } from '../src/domain/pii-mask.js';
import { conversationSetup, said, type ConversationContext } from './setup.js';
import { intentButton, say, sayMenu } from './replies.js';
import { startSurvey } from './survey.js';

/**
 * Human handoff (issue 7, STYLE.md section 4): requesting -> pending -> assigned, or
 * unavailable / leaving a message. The store side (queue, claim, resolved | expired) is
 * src/handoff; this is what the user experiences.
 *
 * Unlike other flows, `pending` and `assigned` do not start with `...interrupts`: while an
 * agent holds the conversation every word goes to the agent (the bot stays silent), and while
 * pending, "cancel" and a language switch must also take the conversation out of the queue.
 */
export interface HandoffSlot {
  /** Set by `toHandoff(reason)` just before entering; consumed on entry. */
  requestedReason?: HandoffReason;
  reason?: HandoffReason;
  agent?: string;
  /** When the user was last told their place in the queue (event time). */
  noticeAt?: number;
}

/** What `requestHandoff` / `forwardToAgent` answer with (`lookup.result`, lookup `handoff`). */
interface QueueResult {
  state: 'pending' | 'assigned' | 'closed';
  position?: number;
  waitMinutes?: number;
  agentsOnline?: number;
  hours?: string;
}

/** Tell a waiting user their place again at most this often. */
export const NOTICE_INTERVAL_MS = 60_000;
/** Nobody claimed it in this time: the handoff expires and the user is offered a message or a callback. */
export const PENDING_EXPIRY_MS = 30 * 60_000;
const EXPIRY_TIMER = 'handoff.expire';

export const LEAVE_MESSAGE = 'handoff:leave';
export const CALLBACK = 'handoff:callback';
export const END_HANDOFF = 'handoff:end';

// "结束人工" / "end chat" (and the button values) end a handoff; plain text because the
// words must work while an agent holds the conversation, where nothing else is interpreted.
const ENDS =
  /^(结束人工|結束人工|结束人工服务|結束人工服務|退出人工|end chat|end the chat|stop chat|handoff:end|handoff:cancel)$/iu;
const LEAVES = /^(handoff:leave|留言|我要留言|leave a message)$/iu;
const CALLS = /^(handoff:callback|回电|回電|预约回电|預約回電|call me back|callback)$/iu;

/** The words, or the value of the button whose label the user typed ("取消转人工" is `handoff:cancel`). */
const saysOrPicks = (pattern: RegExp, event: ConversationEvent) =>
  pattern.test(textOf(event)) || pattern.test(said(event)?.understanding.choice ?? '');
const cancels = (event: ConversationEvent) =>
  saysOrPicks(ENDS, event) || said(event)?.understanding.intent === 'cancel';

const slotOf = (context: ConversationContext): HandoffSlot => (context.flows.handoff ?? {}) as HandoffSlot;
const textOf = (event: ConversationEvent) => said(event)?.text.trim() ?? '';
const queueResult = (event: ConversationEvent): QueueResult | undefined =>
  event.type === 'lookup.result' && event.lookup === 'handoff' ? (event.result as QueueResult) : undefined;

const setSlot = (change: (slot: HandoffSlot, event: ConversationEvent) => HandoffSlot) =>
  conversationSetup.assign({
    flows: ({ context, event }) => ({ ...context.flows, handoff: change(slotOf(context), event) }),
  });

/** A transition into the handoff with a reason: `on: { ...: toHandoff('urgent_complaint') }`. */
export const toHandoff = (reason: HandoffReason) => ({
  target: '#conversation.handoff' as const,
  actions: setSlot(() => ({ requestedReason: reason })),
});

const button = (labelKey: string, value: string): QuickReplyRef => ({ label: { key: labelKey }, value });
const waitingButtons = [
  button('handoff.leaveMessage', LEAVE_MESSAGE),
  button('handoff.callback', CALLBACK),
  button('handoff.cancel', 'handoff:cancel'),
];
const offerButtons = [
  button('handoff.callback', CALLBACK),
  button('handoff.leaveMessage', LEAVE_MESSAGE),
  intentButton('help', 'menu.back'),
];

/** Place in the queue and estimated wait; without anyone online, the offer to leave a message. */
const sayPlace = (key: 'handoff.queued' | 'handoff.stillWaiting') => ({
  type: 'reply' as const,
  params: ({ event }: { event: ConversationEvent }): ReplyRef => {
    const r = queueResult(event);
    const position = r?.position ?? 1;
    if (!r?.agentsOnline)
      return { message: { key: 'handoff.queuedNoAgent', params: { position } }, quickReplies: waitingButtons };
    return { message: { key, params: { position, wait: r.waitMinutes ?? 1 } }, quickReplies: waitingButtons };
  },
});

const noticeNow = setSlot((slot, event) => ({ ...slot, noticeAt: event.at }));
const forward = {
  type: 'forwardToAgent' as const,
  params: ({ event }: { event: ConversationEvent }) => ({ text: textOf(event) }),
};
const cancelExpiry = { type: 'cancelTimer' as const, params: { timerId: EXPIRY_TIMER } };
const endedBy = (reason: 'user_ended' | 'agent_released' | 'expired' | 'cancelled') => ({
  type: 'endHandoff' as const,
  params: { reason },
});
const joined = [
  setSlot((slot, event) => ({ ...slot, agent: event.type === 'agent.joined' ? event.agent : slot.agent })),
  cancelExpiry,
  {
    type: 'reply' as const,
    params: ({ event }: { event: ConversationEvent }) => ({
      message: { key: 'handoff.joined', params: { agent: event.type === 'agent.joined' ? event.agent : '' } },
    }),
  },
];

const leaving = conversationSetup.createStateConfig({
  initial: 'message',
  states: {
    message: {
      meta: { expecting: 'text' },
      entry: say('handoff.askMessage'),
      on: {
        'user.said': [
          {
            guard: ({ event }) => cancels(event),
            actions: [endedBy('cancelled'), cancelExpiry, say('handoff.cancelled'), sayMenu()],
            target: '#conversation.ready',
          },
          {
            actions: [
              { type: 'leaveMessage', params: ({ event }) => ({ kind: 'message' as const, text: textOf(event) }) },
              cancelExpiry,
              say('handoff.messageLeft'),
              sayMenu(),
            ],
            target: '#conversation.ready',
          },
        ],
      },
    },
    callback: {
      meta: { expecting: 'phone' },
      entry: say('handoff.askPhone'),
      on: {
        'user.said': [
          {
            guard: ({ event }) => cancels(event),
            actions: [endedBy('cancelled'), cancelExpiry, say('handoff.cancelled'), sayMenu()],
            target: '#conversation.ready',
          },
          {
            guard: ({ event }) => said(event)?.understanding.entities.some((e) => e.type === 'phone') ?? false,
            actions: [
              {
                type: 'leaveMessage',
                params: ({ event }) => ({
                  kind: 'callback' as const,
                  text: textOf(event),
                  phone: said(event)?.understanding.entities.find((e) => e.type === 'phone')?.value ?? '',
                }),
              },
              cancelExpiry,
              {
                type: 'reply',
                params: ({ event }) => ({
                  message: {
                    key: 'handoff.callbackBooked',
                    params: {
                      phone: maskPersonalData(
                        said(event)?.understanding.entities.find((e) => e.type === 'phone')?.value ?? '',
                      ),
                    },
                  },
                }),
              },
              sayMenu(),
            ],
            target: '#conversation.ready',
          },
          { actions: say('handoff.phoneInvalid') },
        ],
      },
    },
  },
});

export const handoffState = conversationSetup.createStateConfig({
  initial: 'requesting',
  entry: [
    setSlot((slot) => ({ reason: slot.requestedReason ?? 'user_request' })),
    {
      type: 'requestHandoff',
      params: ({ context, event }) => ({ reason: slotOf(context).reason ?? 'user_request', preview: textOf(event) }),
    },
  ],
  on: {
    // An agent may claim while the user is writing a message for them: they get the agent.
    'agent.joined': { target: '.assigned', actions: joined },
  },
  states: {
    requesting: {
      on: {
        'lookup.result': [
          {
            guard: ({ event }) => queueResult(event)?.state === 'closed',
            actions: {
              type: 'reply',
              params: ({ event }) => ({
                message: { key: 'handoff.closed', params: { hours: queueResult(event)?.hours ?? '' } },
                quickReplies: offerButtons,
              }),
            },
            target: 'unavailable',
          },
          { guard: ({ event }) => queueResult(event)?.state === 'assigned', target: 'assigned' },
          {
            guard: ({ event }) => queueResult(event) !== undefined,
            actions: [sayPlace('handoff.queued'), noticeNow],
            target: 'pending',
          },
        ],
        // Only when no queue answered (no handler wired): do not trap the user.
        'user.said': { target: '#conversation.ready', actions: conversationSetup.raise(({ event }) => event) },
      },
    },
    pending: {
      entry: {
        type: 'scheduleTimer',
        params: ({ event }) => ({ timerId: EXPIRY_TIMER, at: event.at + PENDING_EXPIRY_MS }),
      },
      on: {
        'user.said': [
          {
            guard: ({ event }) => cancels(event),
            actions: [endedBy('cancelled'), cancelExpiry, say('handoff.cancelled'), sayMenu()],
            target: '#conversation.ready',
          },
          { guard: ({ event }) => saysOrPicks(LEAVES, event), target: 'leaving.message' },
          { guard: ({ event }) => saysOrPicks(CALLS, event), target: 'leaving.callback' },
          {
            guard: 'languageRequested',
            actions: [
              'adoptLocale',
              { type: 'rememberLocale', params: ({ context }) => ({ locale: context.locale }) },
              say('root.languageChanged'),
              setSlot((s) => ({ ...s, noticeAt: undefined })),
              forward,
            ],
          },
          // Asking again is answered with the place in the queue, however recently it was told.
          {
            guard: { type: 'intent', params: { intent: 'agent' } },
            actions: [setSlot((s) => ({ ...s, noticeAt: undefined })), forward],
          },
          { actions: forward },
        ],
        'lookup.result': [
          // Claimed between the user's words and now: `agent.joined` follows.
          { guard: ({ event }) => queueResult(event)?.state !== 'pending' },
          {
            guard: ({ context, event }) => {
              const at = slotOf(context).noticeAt;
              return at === undefined || event.at - at >= NOTICE_INTERVAL_MS;
            },
            actions: [sayPlace('handoff.stillWaiting'), noticeNow],
          },
        ],
        'timer.fired': {
          guard: ({ event }) => event.timerId === EXPIRY_TIMER,
          actions: [
            endedBy('expired'),
            { type: 'reply', params: { message: { key: 'handoff.expired' }, quickReplies: offerButtons } },
          ],
          target: 'unavailable',
        },
      },
    },
    unavailable: {
      meta: { expecting: 'choice' },
      on: {
        'user.said': [
          { guard: ({ event }) => saysOrPicks(LEAVES, event), target: 'leaving.message' },
          { guard: ({ event }) => saysOrPicks(CALLS, event), target: 'leaving.callback' },
          // Anything else is answered as if the offer had not been made.
          { target: '#conversation.ready', actions: conversationSetup.raise(({ event }) => event) },
        ],
      },
    },
    leaving,
    assigned: {
      on: {
        'user.said': [
          {
            guard: ({ event }) => saysOrPicks(ENDS, event),
            actions: [
              endedBy('user_ended'),
              say('handoff.ended'),
              startSurvey(({ context }) => ({ kind: 'agent', agent: slotOf(context).agent ?? '' })),
            ],
            target: '#conversation.survey',
          },
          // The bot says nothing: the words go to the agent.
          { actions: forward },
        ],
        'agent.released': {
          actions: [
            endedBy('agent_released'),
            {
              type: 'reply',
              params: ({ event }) => ({ message: { key: 'handoff.released', params: { agent: event.agent } } }),
            },
            startSurvey(({ context, event }) => ({
              kind: 'agent',
              agent: event.type === 'agent.released' ? event.agent : (slotOf(context).agent ?? ''),
            })),
          ],
          target: '#conversation.survey',
        },
        // A transfer: the new agent joins.
        'agent.joined': {
          actions: [
            setSlot((slot, event) => ({ ...slot, agent: event.type === 'agent.joined' ? event.agent : slot.agent })),
            {
              type: 'reply',
              params: ({ event }) => ({
                message: {
                  key: 'handoff.transferred',
                  params: { agent: event.type === 'agent.joined' ? event.agent : '' },
                },
              }),
            },
          ],
        },
      },
    },
  },
});
