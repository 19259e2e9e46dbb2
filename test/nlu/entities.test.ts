import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../../src/domain/credit-code.js';
import { residentIdCheckChar } from '../../src/domain/resident-id.js';
import { extractEntities, isTicketDate } from '../../src/nlu/entities.js';

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const of = (text: string, type: string): string[] =>
  extractEntities(text)
    .filter((e) => e.type === type)
    .map((e) => e.value);

const cjk = fc.string({
  unit: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c)),
  maxLength: 12,
});
const date = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2099-12-31T00:00:00Z'),
  noInvalidDate: true,
});
const ticket = fc
  .tuple(fc.constantFrom('YD', 'FK'), date, fc.integer({ min: 0, max: 999_999 }))
  .map(
    ([p, d, n]) =>
      `${p}${pad(d.getUTCFullYear() % 100, 2)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(n, 6)}`,
  );
const mobile = fc
  .tuple(fc.integer({ min: 13, max: 19 }), fc.integer({ min: 0, max: 999_999_999 }))
  .map(([a, b]) => `${a}${pad(b, 9)}`);

describe('tickets', () => {
  it('finds valid tickets in any case, embedded in CJK text', () => {
    fc.assert(
      fc.property(cjk, ticket, cjk, fc.boolean(), (before, t, after, lower) => {
        expect(of(before + (lower ? t.toLowerCase() : t) + after, 'ticket')).toEqual([t]);
      }),
    );
  });
  it('refuses impossible dates and wrong lengths', () => {
    expect(of('YD261332000001', 'ticket')).toEqual([]);
    expect(of('YD250229000001', 'ticket')).toEqual([]);
    expect(of('YD240229000001', 'ticket')).toEqual(['YD240229000001']);
    expect(of('YD26112500004', 'ticket')).toEqual([]);
    expect(of('YD2611250000421', 'ticket')).toEqual([]);
    expect(isTicketDate('000229')).toBe(true);
  });
  it('reads full-width tickets', () => {
    expect(of('ｙｄ２６１１２５００００４２', 'ticket')).toEqual(['YD261125000042']);
  });
});

describe('mobile numbers', () => {
  it('finds valid mobiles in common forms, embedded in CJK text', () => {
    const form = fc.constantFrom(
      (p: string) => p,
      (p: string) => `${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}`,
      (p: string) => `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`,
      (p: string) => `+86 ${p}`,
      (p: string) => `+86${p}`,
    );
    fc.assert(
      fc.property(cjk, mobile, form, cjk, (before, p, f, after) => {
        expect(of(`${before}${f(p)}${after}`, 'phone')).toEqual([p]);
      }),
    );
  });
  it('never reads a phone out of a digit run longer than 11', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 12, maxLength: 30 }),
        cjk,
        (digits, around) => {
          expect(of(around + digits + around, 'phone')).toEqual([]);
        },
      ),
    );
  });
  it('ignores 13-digit numbers and numbers with a bad prefix', () => {
    expect(of('1381234567890', 'phone')).toEqual([]);
    expect(of('8613812345678', 'phone')).toEqual([]);
    expect(of('12812345678', 'phone')).toEqual([]);
  });
});

describe('resident IDs and credit codes', () => {
  const body = fc
    .tuple(
      fc.constantFrom('110105', '440305', '510104'),
      fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2010-12-31T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: 0, max: 999 }),
    )
    .map(([r, d, n]) => `${r}${d.toISOString().slice(0, 10).replaceAll('-', '')}${pad(n, 3)}`);
  it('finds IDs with a valid check digit and no phone inside them', () => {
    fc.assert(
      fc.property(cjk, body, (around, b) => {
        const id = b + residentIdCheckChar(b);
        const found = extractEntities(around + id.toLowerCase() + around);
        expect(found.map((e) => [e.type, e.value])).toEqual([['id_number', id]]);
      }),
    );
  });
  it('drops IDs with a wrong check digit', () => {
    fc.assert(
      fc.property(body, (b) => {
        const good = residentIdCheckChar(b);
        const bad = good === '0' ? '1' : '0';
        expect(of(`身份证${b}${bad}`, 'id_number')).toEqual([]);
      }),
    );
  });
  it('finds credit codes with a valid check character only', () => {
    const first17 = '91350100M000100Y4';
    const code = first17 + creditCodeCheckChar(first17);
    expect(of(`统一社会信用代码：${code.toLowerCase()}`, 'credit_code')).toEqual([code]);
    expect(of(`统一社会信用代码：${first17}${code.endsWith('0') ? '1' : '0'}`, 'credit_code')).toEqual([]);
  });
});

describe('places', () => {
  it('reads province and city with canonical names', () => {
    const found = extractEntities('我在廣東深圳南山区');
    expect(found).toEqual(
      expect.arrayContaining([
        { type: 'province', value: '广东省' },
        { type: 'city', value: '深圳市' },
      ]),
    );
  });
  it('finds no place in an ordinary question', () => {
    expect(extractEntities('营业厅几点开门')).toEqual([]);
  });
});

describe('robustness', () => {
  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        expect(Array.isArray(extractEntities(s))).toBe(true);
      }),
    );
  });
  it('reports offsets into the original text', () => {
    const text = '电话：１３８ １２３４ ５６７８。';
    const [e] = extractEntities(text);
    expect(e?.value).toBe('13812345678');
    expect(text.slice(e?.start, e?.end)).toBe('１３８ １２３４ ５６７８');
  });
});
