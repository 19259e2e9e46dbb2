import { assign, setup } from 'xstate';
import type { ConversationEvent, ConversationInput, UserSaidEvent } from '../src/core/event.js';
import type { EffectParams } from '../src/core/effect.js';
import type { ChannelId, Locale } from '../src/core/message.js';
import type { Intent } from '../src/core/nlu.js';

/** Everything a conversation remembers between turns. Flows keep their own slot. */
export interface ConversationContext {
  channel: ChannelId;
  userId: string;
  locale: Locale;
  /** Misunderstandings in a row; two offer a human. */
  misunderstandings: number;
  /** Flow slots: each flow file owns one key and nothing else touches it. */
  flows: Record<string, unknown>;
}

/** State meta read by the runtime: what the dialogue waits for, so understanding can prefer it. */
export interface StateMeta {
  expecting?:
    'yesno' | 'choice' | 'phone' | 'id_number' | 'credit_code' | 'address' | 'name' | 'text' | 'ticket' | 'score';
}

// Effects are declared here by name only; the runtime reads them from the pure transition's
// action list and executes them (STYLE.md section 2). The bodies are deliberately empty.
const effect =
  <K extends keyof EffectParams>() =>
  (_args: unknown, _params: EffectParams[K]) => {};

const said = (event: ConversationEvent): UserSaidEvent | undefined => (event.type === 'user.said' ? event : undefined);

/** The one `setup` every flow file shares, so state configs from separate files type-check together. */
export const conversationSetup = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as ConversationEvent,
    input: {} as ConversationInput,
    meta: {} as StateMeta,
  },
  actions: {
    reply: effect<'reply'>(),
    rememberLocale: effect<'rememberLocale'>(),
    requestHandoff: effect<'requestHandoff'>(),
    endHandoff: effect<'endHandoff'>(),
    forwardToAgent: effect<'forwardToAgent'>(),
    scheduleTimer: effect<'scheduleTimer'>(),
    cancelTimer: effect<'cancelTimer'>(),
    createTicket: effect<'createTicket'>(),
    lookup: effect<'lookup'>(),
    updateTicket: effect<'updateTicket'>(),
    erasePersonalData: effect<'erasePersonalData'>(),
    recordSatisfaction: effect<'recordSatisfaction'>(),
    leaveMessage: effect<'leaveMessage'>(),
    resetMisunderstandings: assign({ misunderstandings: 0 }),
    countMisunderstanding: assign({ misunderstandings: ({ context }) => context.misunderstandings + 1 }),
    /** Adopt the language the user asked for, or else the one they plainly write in. */
    adoptLocale: assign({
      locale: ({ event, context }) => {
        const u = said(event)?.understanding;
        return u?.languageRequest ?? u?.detectedLocale ?? context.locale;
      },
    }),
  },
  guards: {
    /** The user's words were understood as this intent. */
    intent: ({ event }, params: { intent: Intent }) => said(event)?.understanding.intent === params.intent,
    /** The user's words were understood as any of these intents. */
    intentIn: ({ event }, params: { intents: Intent[] }) => {
      const intent = said(event)?.understanding.intent;
      return intent !== undefined && params.intents.includes(intent);
    },
    /** The user asked for another language than the current one. */
    languageRequested: ({ event, context }) => {
      const wanted = said(event)?.understanding.languageRequest;
      return wanted !== undefined && wanted !== context.locale;
    },
    /** The user plainly writes in another of our languages. */
    writesOtherLanguage: ({ event, context }) => {
      const detected = said(event)?.understanding.detectedLocale;
      return detected !== undefined && detected !== context.locale;
    },
    /** This is the second misunderstanding in a row. */
    secondMisunderstanding: ({ context }) => context.misunderstandings >= 1,
  },
});

export { said };
