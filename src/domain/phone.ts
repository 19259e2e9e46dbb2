/** Why a mobile number was refused. */
export type MobileReason = 'format' | 'length' | 'prefix';

/** The outcome of {@link checkMobile}. */
export type MobileCheck = { ok: true; value: string } | { ok: false; reason: MobileReason };

// Full-width ASCII is what Chinese IMEs type in full-width mode; mapping it one UTF-16
// unit for one keeps offsets into the result valid for the input.
const halfWidth = (s: string): string =>
  s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');

// Separators people type between digit groups, including the dashes Chinese IMEs produce.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212().]/g;

function digitsOf(raw: string): string {
  const compact = halfWidth(raw).replace(SEPARATORS, '');
  // `+86` and `0086` are unambiguous, so they go even from a number too short to be
  // valid (the user is then told about its length). A bare `86` goes only when 11 digits
  // remain, so that an 11-digit number that happens to start with 86 is left alone.
  if (/^(?:\+86|0086)/.test(compact)) return compact.replace(/^(?:\+86|0086)/, '');
  const m = /^86(\d{11})$/.exec(compact);
  return m?.[1] ?? compact;
}

/** Validates a mainland mobile number in any common written form (`+86 138-1234-5678`, full-width digits...). */
export function checkMobile(raw: string): MobileCheck {
  const digits = digitsOf(raw);
  if (!/^\d*$/.test(digits)) return { ok: false, reason: 'format' };
  if (digits.length !== 11) return { ok: false, reason: 'length' };
  if (!/^1[3-9]/.test(digits)) return { ok: false, reason: 'prefix' };
  return { ok: true, value: digits };
}

/** The 11 bare digits of a mainland mobile number, or null when it is not one. */
export function normalizeMobile(raw: string): string | null {
  const result = checkMobile(raw);
  return result.ok ? result.value : null;
}

/** Hides the middle four digits, as operators print them: `138****5678`. */
export function maskMobile(value: string): string {
  if (value.length < 8) return '*'.repeat(value.length);
  return value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}
