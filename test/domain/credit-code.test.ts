import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  checkCreditCode,
  creditCodeCheckChar,
  isValidCreditCode,
  maskCreditCode,
} from '../../src/domain/credit-code.js';

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const char = fc.constantFrom(...CHARSET);
const str = (arb: fc.Arbitrary<string>, n: number) =>
  fc.array(arb, { minLength: n, maxLength: n }).map((a) => a.join(''));
const validBody = fc
  .tuple(str(char, 2), str(fc.constantFrom(...'0123456789'), 6), str(char, 9))
  .map(([head, region, rest]) => head + region + rest);
const validCode = validBody.map((b) => b + creditCodeCheckChar(b));

describe('unified social credit code (GB 32100-2015)', () => {
  it.each(['91350100M000100Y43', '91110000600037341L', '91440300708461136T', '11100000000013127D'])(
    'accepts the real-format code %s',
    (code) => {
      expect(isValidCreditCode(code)).toBe(true);
    },
  );

  it('reads department and region, accepts lower case, spaces and dashes', () => {
    expect(checkCreditCode('9135 0100-m000 100y43')).toEqual({
      ok: true,
      value: '91350100M000100Y43',
      registrationDept: '9',
      regionCode: '350100',
    });
  });

  it('maps a sum divisible by 31 to check char 0', () => {
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
  });

  it.each([
    ['91350100M000100Y4', 'length'],
    ['91350100M000100Y433', 'length'],
    ['91350100M000100Y4I', 'format'],
    ['9135010OM000100Y43', 'format'],
    ['91A50100M000100Y43', 'format'],
    ['91350100M000100Y44', 'checkchar'],
  ] as const)('refuses %s as %s', (raw, reason) => {
    expect(checkCreditCode(raw)).toEqual({ ok: false, reason });
  });

  it('masks to 18 characters with the ends visible', () => {
    expect(maskCreditCode('91350100M000100Y43')).toBe('9135**********0Y43');
  });

  it('property: any valid body plus its computed check char validates', () => {
    fc.assert(fc.property(validCode, (code) => isValidCreditCode(code)));
  });

  // 31 is prime and every weight is a power of 3 (never 0 mod 31), and two characters'
  // values differ by less than 31, so one substitution always changes the sum mod 31.
  it('property: changing any one character makes it invalid', () => {
    fc.assert(
      fc.property(validCode, fc.nat(17), char, (code, pos, ch) => {
        fc.pre(code[pos] !== ch);
        expect(isValidCreditCode(code.slice(0, pos) + ch + code.slice(pos + 1))).toBe(false);
      }),
    );
  });

  it('property: never throws on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), str(fc.constantFrom(...CHARSET, 'I', 'O', 'a', ' '), 18)), (raw) => {
        const r = checkCreditCode(raw);
        if (r.ok) expect(creditCodeCheckChar(r.value.slice(0, 17))).toBe(r.value[17]);
      }),
    );
  });
});
