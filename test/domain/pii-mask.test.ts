import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPersonalData } from '../../src/domain/pii-mask.js';
import { maskLine } from '../../src/log/logger.js';

// The three replacements on every text, with no shortcut: what maskPersonalData must equal.
const reference = (text: string): string =>
  text
    .replace(
      /(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])/g,
      (_m, h: string, t: string) => `${h}********${t.slice(-4)}`,
    )
    .replace(
      /(?<![0-9A-Za-z])([0-9A-HJ-NP-RTUWXY]{2}\d{6})[0-9A-HJ-NP-RTUWXY]{9}([0-9A-HJ-NP-RTUWXY])(?![0-9A-Za-z])/g,
      (_m, h: string, t: string) => `${h.slice(0, 4)}*************${t}`,
    )
    .replace(
      /(?<!\d)((?:\+?86[ -]?)?1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?!\d)/g,
      (_m, h: string, t: string) => `${h}****${t}`,
    );

describe('maskPersonalData', () => {
  it.each([
    ['身份证11010519491231002X，手机138 1234 5678', '身份证110105********002X，手机138****5678'],
    ['信用代码91350100M000100Y43', '信用代码9135*************3'],
    ['no digits here', 'no digits here'],
    ['工单 123 号', '工单 123 号'],
  ])('%s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it('property: the same as the three replacements, whether or not the text has four digits in a row', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789 -+XxABMY号手机', '86', '138', '1101') }), (text) => {
        expect(maskPersonalData(text)).toBe(reference(text));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('maskLine (log lines)', () => {
  it('masks what follows the level and time, and a line of another shape whole', () => {
    expect(maskLine('{"level":30,"time":1796027129120,"phone":"13812345678","msg":"x"}\n')).toBe(
      '{"level":30,"time":1796027129120,"phone":"138****5678","msg":"x"}\n',
    );
    expect(maskLine('{"level":30,"time":1796027129120,"msg":"turn"}\n')).toBe(
      '{"level":30,"time":1796027129120,"msg":"turn"}\n',
    );
    expect(maskLine('plain 11010519491231002X')).toBe('plain 110105********002X');
  });

  it('property: the same as masking the whole line, for any level, time and fields', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 60 }),
        fc.oneof(
          fc.integer({ min: 1_000_000_000_000, max: 7_999_999_999_999 }).map(String),
          fc.stringMatching(/^\d{1,20}$/),
        ),
        fc.string({ unit: fc.constantFrom(...'0123456789 -+XxABMY号手机",:{}', '86', '138', '1101') }),
        (level, time, rest) => {
          const line = `{"level":${level},"time":${time}${rest}`;
          expect(maskLine(line)).toBe(reference(line));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
