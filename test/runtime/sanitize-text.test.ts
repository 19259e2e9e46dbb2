import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeText } from '../../src/runtime/sanitize-text.js';

// Every step on every text, with no shortcut: what sanitizeText must equal.
function reference(raw: string): string {
  return raw
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu, '')
    .normalize('NFC')
    .replace(/[\t\n\r\u2028\u2029]+/gu, ' ')
    .replace(
      // eslint-disable-next-line no-control-regex -- the same class as the module's
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/gu,
      '',
    )
    .replace(/[ \u00A0\u3000]{2,}/gu, ' ')
    .trim();
}

const units = [...'ab Z09 ~!,你好。、，？！ＡＢ１ \u3000\u00a0\t\n\u200b\u202e\u0301e\uf900\ud800\udc00'];

describe('sanitizeText', () => {
  it.each([
    '你好',
    '申请异地服务',
    'what documents do I need?',
    '谢谢，再见',
    ' 你好',
    '你好 ',
    'a  b',
    'e\u0301',
    '\uf900',
  ])('%j as every step gives it', (text) => {
    expect(sanitizeText(text)).toBe(reference(text));
  });

  it('property: clean text is returned as it is, and any text as every step gives it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: fc.constantFrom(...units) }), fc.string({ unit: 'grapheme' })), (text) => {
        expect(sanitizeText(text)).toBe(reference(text));
      }),
      { numRuns: 10_000 },
    );
  });
});
