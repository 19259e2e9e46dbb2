import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPlace, namesPlace, parseAddress, PROVINCES } from '../../src/domain/address.js';

const names = PROVINCES.flatMap((p) => [p.name, p.short, p.en, ...p.cities.flatMap((c) => [c.name, c.short, c.en])]);
const text = fc
  .array(
    fc.oneof(fc.constantFrom(...names), fc.string({ unit: fc.constantFrom(...'路区1号 ,，Suzhou吉林海南朝阳') })),
    {
      maxLength: 4,
    },
  )
  .map((parts) => parts.join(''));

describe('findPlace and namesPlace', () => {
  it('property: findPlace finds what parseAddress finds; namesPlace is true when parseAddress finds anything', () => {
    fc.assert(
      fc.property(text, (t) => {
        const parsed = parseAddress(t);
        const place = findPlace(t);
        expect([place.province, place.city], t).toEqual([parsed.province, parsed.city]);
        expect(namesPlace(t), t).toBe(
          parsed.province !== undefined || parsed.city !== undefined || parsed.ambiguous !== undefined,
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('finds nothing in words without a place, and no city in an ambiguous name', () => {
    expect(findPlace('你好')).toEqual({});
    expect(namesPlace('你好')).toBe(false);
    expect(findPlace('Suzhou')).toEqual({});
    expect(namesPlace('Suzhou')).toBe(true);
    expect(findPlace('北京市朝阳区').city?.name).toBe('北京市');
  });
});
