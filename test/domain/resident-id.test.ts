import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  checkResidentId,
  isValidResidentId,
  maskResidentId,
  residentIdCheckChar,
} from '../../src/domain/resident-id.js';

// Written out here apart from the implementation's table, so a typo there is caught.
const PROVINCES =
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82'.split(' ');
const TODAY = new Date('2025-06-01T00:00:00Z');

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const ymd = (d: Date) => d.toISOString().slice(0, 10).replaceAll('-', '');

/** A 17-digit body with a real province, a real birth date in range and any sequence. */
const validBody = fc
  .tuple(
    fc.constantFrom(...PROVINCES),
    digits(4),
    fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-05-31T00:00:00Z'), noInvalidDate: true }),
    digits(3),
  )
  .map(([p, county, birth, seq]) => p + county + ymd(birth) + seq);
const validId = validBody.map((b) => b + residentIdCheckChar(b));

describe('resident ID (GB 11643-1999)', () => {
  it('accepts the standard example and reads it', () => {
    expect(checkResidentId('11010519491231002X', TODAY)).toEqual({
      ok: true,
      value: '11010519491231002X',
      birthDate: '1949-12-31',
      gender: 'F',
      regionCode: '110105',
    });
  });

  it('accepts lower-case x, spaces and full-width digits', () => {
    expect(isValidResidentId('11010519491231002x')).toBe(true);
    expect(isValidResidentId('110105 19491231 002X')).toBe(true);
    expect(isValidResidentId('１１０１０５１９４９１２３１００２Ｘ')).toBe(true);
  });

  it('reads gender from the 17th digit', () => {
    const body = '44030519900307123';
    const r = checkResidentId(body + residentIdCheckChar(body), TODAY);
    expect(r.ok && r.gender).toBe('M');
  });

  it.each([
    ['11010519491231002', 'length'],
    ['110105194912310', 'length'],
    ['1101051949123100X2', 'format'],
    ['11010519491231002A', 'format'],
    ['', 'length'],
    ['99010519491231002X', 'region'],
    ['00010519491231002X', 'region'],
    ['11010518991231002X', 'birthdate'],
    ['11010519490230002X', 'birthdate'],
    ['11010520300101002X', 'birthdate'],
    ['110105194912310021', 'checkdigit'],
  ] as const)('refuses %s as %s', (raw, reason) => {
    expect(checkResidentId(raw, TODAY)).toEqual({ ok: false, reason });
  });

  it('accepts 29 February only in leap years', () => {
    const leap = '11010520000229001';
    const plain = '11010519000229001';
    expect(isValidResidentId(leap + residentIdCheckChar(leap))).toBe(true);
    expect(checkResidentId(plain + residentIdCheckChar(plain), TODAY)).toEqual({ ok: false, reason: 'birthdate' });
  });

  it('judges "today" as a mainland calendar date', () => {
    const body = '11010520250601001';
    const id = body + residentIdCheckChar(body);
    // 2025-05-31T17:00Z is already 1 June in Beijing.
    expect(checkResidentId(id, new Date('2025-05-31T17:00:00Z')).ok).toBe(true);
    expect(checkResidentId(id, new Date('2025-05-31T15:00:00Z'))).toEqual({ ok: false, reason: 'birthdate' });
  });

  it('masks all but region and last four', () => {
    expect(maskResidentId('110105194912311237')).toBe('110105********1237');
  });

  it('rejects a body that is not 17 digits', () => {
    expect(() => residentIdCheckChar('123')).toThrow(RangeError);
  });

  it('property: any valid body plus its computed check char validates', () => {
    fc.assert(fc.property(validId, (id) => checkResidentId(id, TODAY).ok));
  });

  // mod 11 is prime and no weight is 0 mod 11, so a single substitution always changes
  // the weighted sum mod 11: no one-character typo can yield another valid number.
  it('property: changing any one character makes it invalid', () => {
    fc.assert(
      fc.property(validId, fc.nat(17), fc.constantFrom(...'0123456789X'), (id, pos, ch) => {
        fc.pre(id[pos] !== ch);
        const typo = id.slice(0, pos) + ch + id.slice(pos + 1);
        expect(checkResidentId(typo, TODAY).ok).toBe(false);
      }),
    );
  });

  it('property: swapping two different adjacent body digits makes it invalid', () => {
    fc.assert(
      fc.property(validId, fc.nat(15), (id, pos) => {
        fc.pre(id[pos] !== id[pos + 1]);
        const swapped = id.slice(0, pos) + id[pos + 1] + id[pos] + id.slice(pos + 2);
        expect(checkResidentId(swapped, TODAY).ok).toBe(false);
      }),
    );
  });

  it('property: never throws, and anything accepted is 18 characters with a matching check char', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'0123456789Xx ') })), (raw) => {
        const r = checkResidentId(raw, TODAY);
        if (r.ok) {
          expect(r.value).toHaveLength(18);
          expect(residentIdCheckChar(r.value.slice(0, 17))).toBe(r.value[17]);
        }
      }),
    );
  });

  it('property: the mask keeps length and the visible ends', () => {
    fc.assert(
      fc.property(validId, (id) => {
        const m = maskResidentId(id);
        expect(m).toHaveLength(18);
        expect(m.slice(0, 6) + m.slice(-4)).toBe(id.slice(0, 6) + id.slice(-4));
        expect(m.slice(6, 14)).toBe('********');
      }),
    );
  });
});
