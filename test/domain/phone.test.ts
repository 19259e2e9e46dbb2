import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkMobile, maskMobile, normalizeMobile } from '../../src/domain/phone.js';

const digit = fc.constantFrom(...'0123456789');
const mobile = fc
  .tuple(fc.constantFrom(...'3456789'), fc.array(digit, { minLength: 9, maxLength: 9 }))
  .map(([second, rest]) => `1${second}${rest.join('')}`);
const fullWidth = (s: string) => s.replace(/[0-9+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** Every way people write the same number: country code, grouping, separators, full width. */
const variant = fc
  .tuple(
    mobile,
    fc.constantFrom('', '+86', '86', '0086', '+86 ', '(+86) ', '0086-'),
    fc.constantFrom('', ' ', '-', '　', ' - '),
    fc.boolean(),
  )
  .map(([m, prefix, sep, wide]) => {
    const written = prefix + [m.slice(0, 3), m.slice(3, 7), m.slice(7)].join(sep);
    return { m, written: wide ? fullWidth(written) : written };
  });

describe('mainland mobile numbers', () => {
  it.each(['13812345678', '+86 138 1234 5678', '0086-138-1234-5678', '86 13812345678', '１３８１２３４５６７８'])(
    'normalizes %s',
    (raw) => {
      expect(normalizeMobile(raw)).toBe('13812345678');
    },
  );

  it.each([
    ['12812345678', 'prefix'],
    ['10012345678', 'prefix'],
    ['1381234567', 'length'],
    ['+8613812345', 'length'],
    ['010-12345678', 'prefix'],
    ['0755-123456789', 'length'],
    ['1381234567a', 'format'],
    ['+1 415 555 0100', 'format'],
  ] as const)('refuses %s as %s', (raw, reason) => {
    expect(checkMobile(raw)).toEqual({ ok: false, reason });
  });

  it('leaves an 11-digit number starting with 86 alone', () => {
    expect(checkMobile('86123456789')).toEqual({ ok: false, reason: 'prefix' });
  });

  it('masks the middle four digits', () => {
    expect(maskMobile('13812345678')).toBe('138****5678');
  });

  it('property: accepts every formatting variant of a valid number', () => {
    fc.assert(fc.property(variant, ({ m, written }) => normalizeMobile(written) === m));
  });

  it('property: normalization is idempotent', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          variant.map((v) => v.written),
          fc.string(),
        ),
        (raw) => {
          const once = normalizeMobile(raw);
          if (once !== null) expect(normalizeMobile(once)).toBe(once);
        },
      ),
    );
  });

  it('property: never throws, and anything accepted is 11 digits starting 1[3-9]', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const n = normalizeMobile(raw);
        if (n !== null) expect(n).toMatch(/^1[3-9]\d{9}$/);
      }),
    );
  });
});
