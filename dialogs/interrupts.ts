import { say, sayMenu } from './replies.js';

/**
 * Transitions every flow puts first in its `user.said` list, so that "转人工", cancel and a
 * language switch work from anywhere (a child state's catch-all would otherwise shadow the root).
 */
export const interrupts = [
  {
    guard: 'languageRequested',
    actions: [
      'adoptLocale',
      {
        type: 'rememberLocale',
        params: ({ context }: { context: { locale: 'zh-CN' | 'en' | 'zh-TW' } }) => ({ locale: context.locale }),
      },
      say('root.languageChanged'),
      sayMenu(),
    ],
    target: '#conversation.ready',
  },
  {
    guard: { type: 'intent', params: { intent: 'agent' } },
    target: '#conversation.handoff',
  },
  {
    guard: { type: 'intent', params: { intent: 'cancel' } },
    actions: [say('root.cancelled'), sayMenu()],
    target: '#conversation.ready',
  },
] as const;
