/** Why a resident ID number was refused. */
export type ResidentIdReason = 'format' | 'length' | 'region' | 'birthdate' | 'checkdigit';

/** The outcome of {@link checkResidentId}. */
export type ResidentIdCheck =
  | { ok: true; value: string; birthDate: string; gender: 'M' | 'F'; regionCode: string }
  | { ok: false; reason: ResidentIdReason };

// Full-width ASCII is what Chinese IMEs type in full-width mode; mapping it one UTF-16
// unit for one keeps offsets into the result valid for the input.
const halfWidth = (s: string): string =>
  s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');

// GB 11643-1999: weight i is 2^(17-i) mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

// Provincial codes of GB/T 2260, plus Taiwan, Hong Kong and Macau (residence permits).
const PROVINCE_CODES = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82'.split(' '),
);

/** The check character (`0`-`9` or `X`) for the first 17 digits of a resident ID. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('residentIdCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS.charAt(sum % 11);
}

// The ID's birth date is a mainland calendar date, so "today" is today in UTC+8
// whatever the server's time zone.
function chinaDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

function isCalendarDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Validates an 18-character mainland resident ID number (GB 11643-1999) and reads what it encodes. */
export function checkResidentId(raw: string, today: Date = new Date()): ResidentIdCheck {
  const value = halfWidth(raw).replace(/\s+/g, '').toUpperCase();
  if (!/^[0-9X]*$/.test(value)) return { ok: false, reason: 'format' };
  if (value.length !== 18) return { ok: false, reason: 'length' };
  if (!/^\d{17}[0-9X]$/.test(value)) return { ok: false, reason: 'format' };
  if (!PROVINCE_CODES.has(value.slice(0, 2))) return { ok: false, reason: 'region' };
  const birth = value.slice(6, 14);
  if (!isCalendarDate(birth) || birth < '19000101' || birth > chinaDate(today)) {
    return { ok: false, reason: 'birthdate' };
  }
  if (residentIdCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, reason: 'checkdigit' };
  return {
    ok: true,
    value,
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    // The 17th digit is the sequence number's last digit: odd for men, even for women.
    gender: Number(value[16]) % 2 === 1 ? 'M' : 'F',
    regionCode: value.slice(0, 6),
  };
}

/** True when {@link checkResidentId} accepts the number. */
export function isValidResidentId(raw: string): boolean {
  return checkResidentId(raw).ok;
}

/** Hides birth date and sequence for display to agents and logs: `110105********1237`. */
export function maskResidentId(value: string): string {
  if (value.length <= 10) return '*'.repeat(value.length);
  return value.slice(0, 6) + '*'.repeat(value.length - 10) + value.slice(-4);
}
