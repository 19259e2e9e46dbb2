import type { Locale, OutboundMessage, ReplyRef } from './message.js';

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
