import { LOCALES, type InboundMessage, type Locale, type OutboundMessage } from '../src/core/message.js';

/** What a channel needs from the runtime to answer a message (Runtime.handle, structurally). */
export type InboundHandler = (message: InboundMessage) => Promise<{ replies: OutboundMessage[]; duplicate: boolean }>;

/** One line of a numbered text menu in the user's language, e.g. "回复 1 申请异地服务". */
export type MenuLine = (locale: Locale, n: number, label: string) => string;

/** The language a conversation is in now (the session's), for rendering outside a turn. */
export type LocaleOf = (conversationId: string) => Promise<Locale>;

/**
 * A message as plain text, for channels without buttons: its quick replies become numbered
 * lines. The runtime maps a bare "1" back to the first button's value.
 */
export function withNumberedMenu(message: OutboundMessage, locale: Locale, menuLine: MenuLine): string {
  const lines = (message.quickReplies ?? []).map((q, i) => menuLine(locale, i + 1, q.label));
  return [message.text, ...lines].join('\n');
}

// Good places to cut a long text: after a line break, sentence or clause end, or a space.
const BREAK_AFTER = new Set(['\n', '。', '！', '？', '；', '，', '、', '.', '!', '?', ';', ',', ' ']);

/**
 * Split text into pieces of at most `max` units (as `unitsOf` counts a character), cutting at
 * a line break or punctuation when one is in the second half of the piece. Never cuts inside a
 * surrogate pair (we iterate code points).
 */
export function splitText(text: string, max: number, unitsOf: (char: string) => number = (c) => c.length): string[] {
  const chars = [...text];
  const pieces: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let units = 0;
    let end = start;
    let lastBreak = -1;
    while (end < chars.length && units + unitsOf(chars[end]!) <= max) {
      units += unitsOf(chars[end]!);
      if (BREAK_AFTER.has(chars[end]!)) lastBreak = end + 1;
      end++;
    }
    if (end < chars.length && lastBreak > start + (end - start) / 2) end = lastBreak;
    if (end === start) end = start + 1; // a single character wider than max: send it alone
    const piece = chars.slice(start, end).join('').trim();
    if (piece) pieces.push(piece);
    start = end;
  }
  return pieces;
}

/** A platform's language tag (BCP 47: "en-US", "zh-Hant-TW", "zh_CN") as one of ours. */
export function localeFromTag(tag: string | undefined | null): Locale | undefined {
  if (!tag) return undefined;
  const t = tag.replace(/_/g, '-').toLowerCase();
  if ((LOCALES as readonly string[]).map((l) => l.toLowerCase()).includes(t)) {
    return LOCALES.find((l) => l.toLowerCase() === t);
  }
  if (t.startsWith('en')) return 'en';
  if (/^zh-(hant|tw|hk|mo)/.test(t)) return 'zh-TW';
  if (t === 'zh' || /^zh-(hans|cn|sg)/.test(t)) return 'zh-CN';
  return undefined;
}
