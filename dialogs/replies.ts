import type { QuickReplyRef, ReplyRef } from '../src/core/message.js';
import { noteFixedButtons } from '../src/core/reply-recipe.js';
import type { Intent } from '../src/core/nlu.js';

/** A quick reply that, when pressed, is understood as `intent` whatever the language. */
export const intentButton = (intent: Intent, labelKey: string): QuickReplyRef => ({
  label: { key: labelKey },
  value: `intent:${intent}`,
});

/** The main menu's buttons (issue 2: apply, progress, feedback, human agent, materials, hours). */
export const MENU_BUTTONS: QuickReplyRef[] = [
  intentButton('apply', 'menu.apply'),
  intentButton('status', 'menu.status'),
  intentButton('complaint', 'menu.feedback'),
  intentButton('agent', 'menu.agent'),
  intentButton('materials', 'menu.materials'),
  intentButton('hours', 'menu.hours'),
];

/** A `reply` effect with a fixed message (and fixed buttons, which history then keeps by name). */
export const say = (key: string, quickReplies?: QuickReplyRef[]): { type: 'reply'; params: ReplyRef } => {
  if (quickReplies) noteFixedButtons(key, quickReplies);
  return { type: 'reply', params: quickReplies ? { message: { key }, quickReplies } : { message: { key } } };
};

/** The menu prompt with its buttons. */
export const sayMenu = () => say('menu.prompt', MENU_BUTTONS);
