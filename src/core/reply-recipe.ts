import type { Locale, OutboundMessage, QuickReplyRef, ReplyRef } from './message.js';

/** What a rendered reply was made from: rendering it again in its locale gives the same message. */
export interface ReplyRecipe {
  reply: ReplyRef;
  locale: Locale;
}

// Kept beside the message, not in it: the message's shape stays what channels and tests see, and a
// copy (a spread, a clone) has no recipe, so nothing edited after rendering is taken for the catalog's.
const recipes = new WeakMap<OutboundMessage, ReplyRecipe>();

/** Note that the catalog made `message` from `reply` in `locale`. */
export function noteRecipe(message: OutboundMessage, reply: ReplyRef, locale: Locale): void {
  recipes.set(message, { reply, locale });
}

/** The recipe of a message as the catalog returned it; undefined for any other object. */
export function recipeOf(message: OutboundMessage): ReplyRecipe | undefined {
  return recipes.get(message);
}

const same = (a: QuickReplyRef[], b: QuickReplyRef[]): boolean =>
  a.length === b.length &&
  a.every(
    (x, i) =>
      x.value === b[i]!.value &&
      x.label.key === b[i]!.label.key &&
      JSON.stringify(x.label.params) === JSON.stringify(b[i]!.label.params),
  );

// The buttons a message key is always said with (the dialogs' fixed replies, noted as their modules
// load): a recipe names them instead of listing them (the menu's six are 190 bytes). A key said
// with two different sets has none.
const fixed = new Map<string, QuickReplyRef[] | null>();

/** Note that the dialogs say `key` with `buttons`, a fixed set. */
export function noteFixedButtons(key: string, buttons: QuickReplyRef[]): void {
  const known = fixed.get(key);
  if (known === undefined) fixed.set(key, buttons);
  else if (known !== null && known !== buttons && !same(known, buttons)) fixed.set(key, null);
}

/** The fixed buttons `key` is said with, if it has one set. */
export function fixedButtonsOf(key: string): QuickReplyRef[] | undefined {
  return fixed.get(key) ?? undefined;
}
