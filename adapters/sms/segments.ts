import { splitText } from '../text-rendering.js';

// GSM 03.38 default alphabet (one septet each) and its extension table (escape + char: two).
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';
const basic = new Set([...GSM7_BASIC]);
const extended = new Set([...GSM7_EXTENDED]);

/** A single SMS carries 160 GSM-7 septets, or 70 UCS-2 code units when any character is outside GSM-7. */
export const GSM7_MAX = 160;
export const UCS2_MAX = 70;

export const isGsm7 = (text: string) => [...text].every((c) => basic.has(c) || extended.has(c));

/**
 * Split a reply into texts that each fit one SMS. Carriers would otherwise concatenate
 * (67/153 per part, reassembled unreliably on some handsets); whole messages cut at line and
 * sentence ends read better, and numbered menu lines stay intact.
 */
export function smsSegments(text: string): string[] {
  if (isGsm7(text)) return splitText(text, GSM7_MAX, (c) => (extended.has(c) ? 2 : 1));
  // UCS-2 counts UTF-16 code units: an emoji (surrogate pair) takes two.
  return splitText(text, UCS2_MAX, (c) => c.length);
}
