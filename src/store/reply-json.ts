import { DEFAULT_LOCALE, type Locale, type MessageRef, type OutboundMessage, type ReplyRef } from '../core/message.js';
import type { TranscriptLine } from '../core/ports.js';
import { fixedButtonsOf, recipeOf } from '../core/reply-recipe.js';
import { maskedLine, maskPersonalData } from '../domain/pii-mask.js';

type Params = Record<string, string | number>;
/** A button as stored: its label's key, the value it sends, and its label's params when it has some. */
type StoredButton = [string, string] | [string, string, Params];

/**
 * A reply as Redis keeps it (latest answer, transcript) when the catalog made it: its key, params,
 * buttons and locale (omitted for zh-CN), rendered again when read. A Chinese reply's recipe is a
 * fifth of its text's bytes, and history is most of what an idle conversation holds. Anything
 * else, and everything stored before recipes, is the message itself, with its `text`.
 *
 * A conversation's transcript is one list of JSON lines, each with `at` (a history channel's lines
 * leave it out when the next line of the same write is one the user was sent with the same time;
 * such a line takes the next dated line's, see `datedBatch` and `fillAt`):
 * - `{"u"}`: the user's words, masked;
 * - `{"k","p"?,"q"?,"l"?}`: the bot's reply as its recipe. In a history channel's (web chat's)
 *   transcript, which is also what the page re-reads, with its buttons and its params as sent;
 *   elsewhere without buttons and with its params masked;
 * - `{"w"}`: a reply as sent (no recipe), history channels only;
 * - `{"a","t","l"?}`: an agent's words as sent and the conversation's locale, history channels only;
 * - `{"from","text","agent"?}`: any other line, masked, and every line written before these forms.
 */
interface StoredRecipe {
  k: string;
  p?: Params;
  /** The buttons, or 1: the fixed set the dialogs say this key with. */
  q?: StoredButton[] | 1;
  l?: Locale;
}

/** The bot's line kept as a recipe: a line with `k` and no `text` is the bot's. */
type StoredBotLine = StoredRecipe & { at: number };
/** A user's line: `{"u": masked text, "at"}`, a third the bytes of its plain JSON for a short message. */
interface StoredUserLine {
  u: string;
  at: number;
}
/** A reply without a recipe, kept as sent in a history channel's transcript. */
interface StoredSentLine {
  w: OutboundMessage;
  at: number;
}
/** An agent's words as sent, in a history channel's transcript. */
interface StoredAgentLine {
  a: string;
  t: string;
  l?: Locale;
  at: number;
}
type StoredLine = TranscriptLine | StoredBotLine | StoredUserLine | StoredSentLine | StoredAgentLine;

/** How the lines a user was sent start: a recipe, a reply kept as sent, an agent's words. */
const SENT = /^\{"[kwa]":/;

/** Whether a stored line (its JSON) is one the user was sent. */
export const isSentLine = (json: string): boolean => SENT.test(json);

/**
 * A history channel's lines of one write (a turn's), each JSON ending in its `"at"`: a line whose
 * next line was sent to the user at the same time leaves its time to that line. The bot's replies
 * of a turn share the user's message's time, so most lines carry none (19 bytes each).
 */
export function datedBatch(lines: readonly { json: string; at: number }[]): string[] {
  return lines.map(({ json, at }, i) => {
    const next = lines[i + 1];
    const tail = `,"at":${at}}`;
    return next && next.at === at && isSentLine(next.json) && json.endsWith(tail)
      ? `${json.slice(0, -tail.length)}}`
      : json;
  });
}

/** Lines read back in order (with `at` left out as `datedBatch` writes them): each takes the next dated one's. */
export function fillAt<T extends { at: number }>(items: T[]): T[] {
  let at = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (typeof item.at === 'number') at = item.at;
    else item.at = at;
  }
  return items;
}

/** The catalog key an agent's words go out under (the agent's name, then the words). */
export const AGENT_SAYS = 'handoff.agentSays';

/** Renders a reply again from its recipe: the catalog's `render`. */
export type RenderReply = (reply: ReplyRef, locale: Locale) => OutboundMessage;
/** Renders one message key: the catalog's `text`. */
export type RenderText = (ref: MessageRef, locale: Locale) => string;

function recipe(message: OutboundMessage): StoredRecipe | undefined {
  const made = recipeOf(message);
  if (!made) return undefined;
  const { message: ref, quickReplies } = made.reply;
  const stored: StoredRecipe = { k: ref.key };
  if (ref.params) stored.p = ref.params;
  if (quickReplies?.length) {
    stored.q =
      quickReplies === fixedButtonsOf(ref.key)
        ? 1
        : quickReplies.map((b) => (b.label.params ? [b.label.key, b.value, b.label.params] : [b.label.key, b.value]));
  }
  if (made.locale !== DEFAULT_LOCALE) stored.l = made.locale;
  return stored;
}

/** JSON of a reply as the latest answer and a history line keep it: its recipe with `recipes`, else the message. */
export function replyJson(message: OutboundMessage, recipes: boolean): string {
  return JSON.stringify((recipes && recipe(message)) || message);
}

/**
 * JSON of the transcript line of the bot saying `message` at `at`: its recipe with its params masked
 * (transcripts at rest hold no whole ID or phone number), else the masked text.
 */
export function botLineJson(message: OutboundMessage, at: number, recipes: boolean): string {
  const stored = recipes ? recipe(message) : undefined;
  if (!stored) return JSON.stringify(maskedLine({ from: 'bot', text: message.text, at }));
  const line: StoredBotLine = { k: stored.k, at };
  if (stored.p) line.p = maskedParams(stored.p);
  if (stored.l) line.l = stored.l;
  return JSON.stringify(line);
}

/**
 * JSON of the line of the bot sending a reply at `at` in a history channel's transcript, from the
 * reply's `replyJson`: its recipe as sent (buttons, params), else the message itself under `w`.
 */
export function sentLineJson(replyJson: string, at: number): string {
  return replyJson.startsWith('{"k":') ? `${replyJson.slice(0, -1)},"at":${at}}` : `{"w":${replyJson},"at":${at}}`;
}

/** JSON of an agent's line in a history channel's transcript: the words as sent, read back masked by agents. */
export function agentLineJson(agent: string, text: string, at: number, locale: Locale | undefined): string {
  const line: StoredAgentLine = { a: agent, t: text, at };
  if (locale && locale !== DEFAULT_LOCALE) line.l = locale;
  return JSON.stringify(line);
}

/** JSON of a transcript line as Redis keeps it: masked, a user's in the short form. */
export function lineJson(line: TranscriptLine): string {
  const masked = maskedLine(line);
  if (masked.from === 'user') return JSON.stringify({ u: masked.text, at: masked.at } satisfies StoredUserLine);
  return JSON.stringify(masked);
}

function maskedParams(params: Params): Params {
  let out: Params | undefined;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') continue;
    const masked = maskPersonalData(value);
    if (masked !== value) (out ??= { ...params })[name] = masked;
  }
  return out ?? params;
}

function replyRef(stored: StoredRecipe): ReplyRef {
  const ref: ReplyRef = { message: stored.p ? { key: stored.k, params: stored.p } : { key: stored.k } };
  if (stored.q === 1) {
    // A later version that no longer says this key with one fixed set shows it without buttons.
    const fixed = fixedButtonsOf(stored.k);
    if (fixed) ref.quickReplies = fixed;
  } else if (stored.q) {
    ref.quickReplies = stored.q.map(([key, value, params]) => ({ label: params ? { key, params } : { key }, value }));
  }
  return ref;
}

const isRecipe = (stored: object): stored is StoredRecipe => !('text' in stored) && 'k' in stored;

/**
 * A stored reply (recipe or message, as parsed JSON) as a message; other fields (`at`) are kept.
 * Without `render`, a recipe's key stands in for its words.
 */
export function readReply<T extends object = OutboundMessage>(stored: T, render: RenderReply | undefined): T {
  if (!isRecipe(stored)) return stored;
  const { k, p: _p, q: _q, l, ...extra } = stored as StoredRecipe & Record<string, unknown>;
  const message = render ? render(replyRef(stored), l ?? DEFAULT_LOCALE) : { key: k, text: `[${k}]` };
  return { ...message, ...extra } as unknown as T;
}

/**
 * A stored transcript line (parsed JSON), in any form written so far, as agents read it, masked;
 * without `text` to render with, a recipe's key stands in for its words.
 */
export function readLine(stored: StoredLine, text: RenderText | undefined): TranscriptLine {
  if ('u' in stored) return { from: 'user', text: stored.u, at: stored.at };
  if ('w' in stored) return { from: 'bot', text: maskPersonalData(stored.w.text), at: stored.at };
  if ('a' in stored) return { from: 'agent', agent: stored.a, text: maskPersonalData(stored.t), at: stored.at };
  if (!isRecipe(stored)) return stored as TranscriptLine;
  const ref: MessageRef = stored.p ? { key: stored.k, params: stored.p } : { key: stored.k };
  const said = text ? text(ref, stored.l ?? DEFAULT_LOCALE) : `[${stored.k}]`;
  return { from: 'bot', text: maskPersonalData(said), at: stored.at };
}

/**
 * What a stored line of a history channel's transcript sent the user (parsed JSON), as sent; nothing
 * for the user's own lines and for lines in the forms before history (the outbox has those).
 */
export function readSent(
  stored: StoredLine,
  render: RenderReply | undefined,
): (OutboundMessage & { at: number }) | undefined {
  if ('w' in stored) return { ...stored.w, at: stored.at };
  if ('a' in stored) {
    const params = { agent: stored.a, text: stored.t };
    const sent = render
      ? render({ message: { key: AGENT_SAYS, params } }, stored.l ?? DEFAULT_LOCALE)
      : { key: AGENT_SAYS, params, text: stored.t };
    return { ...sent, at: stored.at };
  }
  if ('u' in stored || !isRecipe(stored)) return undefined;
  return readReply(stored as StoredBotLine, render) as unknown as OutboundMessage & { at: number };
}
