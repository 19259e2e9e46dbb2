import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { ConverterFactory } from 'opencc-js/core';
import STCharacters from 'opencc-js/dict/STCharacters';
import TWVariants from 'opencc-js/dict/TWVariants';
import { describe, expect, it } from 'vitest';
import { dataPath, readIntentFile } from '../../src/nlu/dataset.js';
import { extractEntities } from '../../src/nlu/entities.js';
import { confidentLocaleOf, languageRequestOf } from '../../src/nlu/language-request.js';
import { lastOne, normalize, simplify } from '../../src/nlu/normalize.js';
import { hasSimplifiedCharacter } from '../../src/nlu/simplified-only.js';

// The straightforward forms the fast ones replace: every step on every call.
const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
// Simplified to Taiwan's script character by character: OpenCC's own engine on its character
// tables, without the phrase table.
const toTraditionalByCharacter = ConverterFactory([STCharacters], [TWVariants]);
function referenceNormalize(raw: string) {
  const nfkc = raw.normalize('NFKC').toLowerCase();
  const simplified = /[\u3400-\u9fff\uf900-\ufaff]/.test(nfkc) ? toSimplified(nfkc) : nfkc;
  const text = simplified.replace(/\s+/g, ' ').trim();
  const traditional = text !== nfkc.replace(/\s+/g, ' ').trim();
  const latin = nfkc.match(/[a-z]/gi)?.length ?? 0;
  const cjk = nfkc.match(/[\u3400-\u9fff\uf900-\ufaff]/g)?.length ?? 0;
  const detectedLocale = traditional ? 'zh-TW' : latin > 0 && latin > cjk * 2 ? 'en' : 'zh-CN';
  return { text, traditional, detectedLocale };
}
function referenceConfidentLocale(raw: string) {
  const text = raw.normalize('NFKC');
  if (/[\u3400-\u9fff]/.test(text)) {
    if (toSimplified(text) !== text) return 'zh-TW';
    return toTraditionalByCharacter(text) !== text ? 'zh-CN' : undefined;
  }
  return (text.match(/[a-z]{2,}/gi) ?? []).length >= 2 ? 'en' : undefined;
}

const corpus = [
  ...readIntentFile(dataPath('train.jsonl')).map((r) => r.text),
  ...readIntentFile(dataPath('test.jsonl')).map((r) => r.text),
  'ＡＢＣ　ｄｅｆ１２３',
  'İstanbul ĞÜŞ',
  'HELLO World',
  '  several   spaces \t\n here ',
  '請問營業廳幾點開門',
  '我在臺北市信義區',
  'ok 谢谢',
  'OK 謝謝',
  '𐐀𐐨 test',
  '',
  '1',
];

describe('normalisation', () => {
  it('gives what the plain steps give, for every utterance of the data, called in any order', () => {
    for (const text of corpus) {
      expect(normalize(text), text).toEqual(referenceNormalize(text));
      expect(confidentLocaleOf(text), text).toBe(referenceConfidentLocale(text));
      // Interleaved with other texts, as a turn does, and again.
      languageRequestOf('English please');
      extractEntities('北京市朝阳区 13812345678');
      expect(normalize(text), text).toEqual(referenceNormalize(text));
      expect(simplify(text.normalize('NFKC')), text).toBe(
        /[\u3400-\u9fff\uf900-\ufaff]/.test(text.normalize('NFKC'))
          ? toSimplified(text.normalize('NFKC'))
          : text.normalize('NFKC'),
      );
    }
  });

  it('finds a simplified character exactly where character-by-character conversion changes the text', () => {
    const dictionaryCharacters = [
      ...new Set([...`${STCharacters}${TWVariants}`].filter((c) => c !== ' ' && c !== '|')),
    ];
    const character = fc.oneof(
      fc.constantFrom(...dictionaryCharacters),
      fc.integer({ min: 0x3400, max: 0x9fff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('a', '1', ' ', '。', '😀', '\ud800'),
    );
    fc.assert(
      fc.property(fc.array(character, { maxLength: 12 }), (chars) => {
        const text = chars.join('');
        expect(hasSimplifiedCharacter(text)).toBe(toTraditionalByCharacter(text) !== text);
      }),
      { numRuns: 2000 },
    );
    // Phrase context is not consulted: every character here is also traditional.
    expect(hasSimplifiedCharacter('周末上不上班')).toBe(false);
    expect(OpenCC.Converter({ from: 'cn', to: 'tw' })('周末上不上班')).toBe('週末上不上班');
    expect(confidentLocaleOf('这个怎么办')).toBe('zh-CN');
    expect(confidentLocaleOf('這個怎麼辦')).toBe('zh-TW');
    expect(confidentLocaleOf('你好')).toBeUndefined();
  });

  it('remembers only the last answer', () => {
    const calls: string[] = [];
    const upper = lastOne((s) => {
      calls.push(s);
      return s.toUpperCase();
    });
    expect([upper('a'), upper('a'), upper('b'), upper('a')]).toEqual(['A', 'A', 'B', 'A']);
    expect(calls).toEqual(['a', 'b', 'a']);
  });
});
