import type { Entity } from '../core/nlu.js';
import { findPlace } from '../domain/address.js';
import { isValidCreditCode } from '../domain/credit-code.js';
import { normalizeMobile } from '../domain/phone.js';
import { isValidResidentId } from '../domain/resident-id.js';
import { nfkc } from './normalize.js';

// Full-width ASCII is what Chinese IMEs type in full-width mode; mapping it one UTF-16
// unit for one keeps every offset found in the result valid for the user's text.
const halfWidth = (s: string): string =>
  WIDE.test(s)
    ? s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ')
    : s;
const WIDE = /[\uff01-\uff5e\u3000]/;

// Lookarounds keep a number from being cut out of a longer one: no digit or letter may
// touch either end of a match.
const TICKET = /(?<![0-9a-z])(yd|fk)(\d{6})(\d{6})(?![0-9])/gi;
const ID_NUMBER = /(?<![0-9a-z])\d{6} ?\d{8} ?\d{3}[0-9x](?![0-9a-z])/gi;
const CREDIT_CODE = /(?<![0-9a-z])[0-9a-hj-npqrtuwxy]{18}(?![0-9a-z])/gi;
// A bare "86" prefix only counts when a separator follows it: "8613812345678" is 13 digits
// and could be anything, "+86 138..." and "86-138..." are unambiguous.
// Separators only where people put them (138 1234 5678), so "1381234567 8号楼" is no phone.
const PHONE = /(?<![0-9a-z+])(?:(?:\+86|0086|86(?=[\s-]))[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![0-9a-z])/gi;

/** A ticket date part is a real calendar day (20YY-MM-DD). */
export function isTicketDate(yymmdd: string): boolean {
  const y = 2000 + Number(yymmdd.slice(0, 2));
  const m = Number(yymmdd.slice(2, 4));
  const d = Number(yymmdd.slice(4, 6));
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The normalised ticket number, or null when the text is not exactly one valid ticket number. */
export function normalizeTicket(raw: string): string | null {
  const m = /^(yd|fk)(\d{6})(\d{6})$/i.exec(halfWidth(raw).trim());
  return m?.[1] && m[2] && m[3] && isTicketDate(m[2]) ? `${m[1].toUpperCase()}${m[2]}${m[3]}` : null;
}

/**
 * Every ticket number, mobile number, resident ID, credit code, province and city in a
 * message, each validated (check digits, real dates) and normalised. Never throws.
 */
export function extractEntities(raw: string): Entity[] {
  const text = halfWidth(raw);
  const found: Entity[] = [];
  const taken: Array<[number, number]> = [];
  // Each pattern needs this many ASCII digits (or, for a credit code, characters): most messages
  // have too few for any, and are not scanned at all.
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
  }

  // Most specific first, so that a phone inside an ID number is never reported.
  if (digits >= 12) {
    for (const m of text.matchAll(TICKET)) {
      const value = normalizeTicket(m[0]);
      if (value) add(found, taken, 'ticket', value, m.index, m.index + m[0].length);
    }
  }
  if (digits >= 17) {
    for (const m of text.matchAll(ID_NUMBER)) {
      const value = m[0].replace(/ /g, '').toUpperCase();
      if (isValidResidentId(value)) add(found, taken, 'id_number', value, m.index, m.index + m[0].length);
    }
  }
  if (text.length >= 18) {
    for (const m of text.matchAll(CREDIT_CODE)) {
      const value = m[0].toUpperCase();
      if (isValidCreditCode(value)) add(found, taken, 'credit_code', value, m.index, m.index + m[0].length);
    }
  }
  if (digits >= 11) {
    for (const m of text.matchAll(PHONE)) {
      const value = normalizeMobile(m[0]);
      if (value) add(found, taken, 'phone', value, m.index, m.index + m[0].length);
    }
  }
  found.push(...places(text, taken));
  return found.sort((a, b) => (a.start ?? Infinity) - (b.start ?? Infinity));
}

/** Records an entity unless its span overlaps one already found. */
function add(
  found: Entity[],
  taken: Array<[number, number]>,
  type: Entity['type'],
  value: string,
  start: number,
  end: number,
): void {
  for (const [s, e] of taken) if (!(end <= s || start >= e)) return;
  taken.push([start, end]);
  found.push({ type, value, start, end });
}

function places(text: string, taken: ReadonlyArray<[number, number]>): Entity[] {
  // Numbers say nothing about places; blanking them keeps the address parser from reading
  // an ID number's region digits or similar.
  let rest = text;
  for (const [s, e] of taken) rest = rest.slice(0, s) + ' '.repeat(e - s) + rest.slice(e);
  if (!/[\u3400-\u9fffA-Za-z]/.test(rest)) return [];
  // The address parser folds traditional characters itself, so no second OpenCC pass here.
  const address = findPlace(nfkc(rest));
  const out: Entity[] = [];
  if (address.province) out.push({ type: 'province', value: address.province.name });
  if (address.city) out.push({ type: 'city', value: address.city.name });
  return out;
}
