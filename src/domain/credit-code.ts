/** Why a unified social credit code was refused. */
export type CreditCodeReason = 'format' | 'length' | 'checkchar';

/** The outcome of {@link checkCreditCode}. */
export type CreditCodeCheck =
  { ok: true; value: string; registrationDept: string; regionCode: string } | { ok: false; reason: CreditCodeReason };

// Full-width ASCII is what Chinese IMEs type in full-width mode; mapping it one UTF-16
// unit for one keeps offsets into the result valid for the input.
const halfWidth = (s: string): string =>
  s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');

// GB 32100-2015 leaves out I, O, Z, S and V, which are easily misread as 1, 0, 2, 5 and U.
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
// Weight i is 3^i mod 31.
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE = new RegExp(`^[${CHARSET}]{2}\\d{6}[${CHARSET}]{10}$`);

/** The check character for the first 17 characters of a unified social credit code. */
export function creditCodeCheckChar(first17: string): string {
  const body = first17.toUpperCase();
  if (body.length !== 17) throw new RangeError('creditCodeCheckChar needs exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(body.charAt(i));
    if (v < 0) throw new RangeError(`creditCodeCheckChar: '${body.charAt(i)}' is not in the GB 32100 charset`);
    sum += v * (WEIGHTS[i] ?? 0);
  }
  return CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** Validates an 18-character unified social credit code (GB 32100-2015), as printed on a business licence. */
export function checkCreditCode(raw: string): CreditCodeCheck {
  const value = halfWidth(raw)
    .replace(/[\s-]+/g, '')
    .toUpperCase();
  if (![...value].every((c) => CHARSET.includes(c))) return { ok: false, reason: 'format' };
  if (value.length !== 18) return { ok: false, reason: 'length' };
  // Positions 3-8 are the GB/T 2260 region code of the registering authority.
  if (!SHAPE.test(value)) return { ok: false, reason: 'format' };
  if (creditCodeCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, reason: 'checkchar' };
  return { ok: true, value, registrationDept: value.charAt(0), regionCode: value.slice(2, 8) };
}

/** True when {@link checkCreditCode} accepts the code. */
export function isValidCreditCode(raw: string): boolean {
  return checkCreditCode(raw).ok;
}

/** Keeps the first and last four characters for display: `9111**********0001`. */
export function maskCreditCode(value: string): string {
  if (value.length <= 8) return '*'.repeat(value.length);
  return value.slice(0, 4) + '*'.repeat(value.length - 8) + value.slice(-4);
}
