// Control characters (C0 except tab/newline, DEL, C1), zero-width and bidi-override characters
// never carry meaning for understanding, but they break matching, hide text in the agent console
// and can reorder what an agent sees (bidi spoofing). Line breaks become spaces.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/gu;
// Text sanitizing leaves as it is: printable ASCII, CJK unified ideographs, 、。 and full-width
// forms (none is invisible or a control, each is NFC on its own and composes with none of the
// others), single spaces, none at either end. Most messages are such text.
const CLEAN =
  /^(?:[\x21-\x7e\u3001\u3002\u4e00-\u9fff\uff01-\uff5e]+(?: [\x21-\x7e\u3001\u3002\u4e00-\u9fff\uff01-\uff5e]+)*)?$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/**
 * The text a turn understands: control and invisible characters removed, lone surrogates
 * dropped, whitespace runs collapsed to one space, Unicode in NFC (so "é" typed two ways is one
 * string), trimmed. Pure and idempotent.
 */
export function sanitizeText(raw: string): string {
  if (CLEAN.test(raw)) return raw;
  return raw
    .replace(LONE_SURROGATE, '')
    .normalize('NFC')
    .replace(/[\t\n\r\u2028\u2029]+/gu, ' ')
    .replace(INVISIBLE, '')
    .replace(/[ \u00A0\u3000]{2,}/gu, ' ')
    .trim();
}
