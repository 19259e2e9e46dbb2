import { describe, expect, it } from 'vitest';
import type { Understanding } from '../../src/core/nlu.js';
import { confidentLocaleOf, languageRequestOf, withLanguageSignals } from '../../src/nlu/language-request.js';
import { isEraseRequest } from '../../src/nlu/erase-request.js';

// The signals set on a spread copy, as they were: what withLanguageSignals must give, key order included.
function reference(u: Understanding, text: string): Understanding {
  const out = { ...u };
  const detected = confidentLocaleOf(text);
  if (detected) out.detectedLocale = detected;
  else delete out.detectedLocale;
  const request = languageRequestOf(text);
  if (request) out.languageRequest = request;
  if (isEraseRequest(text)) out.eraseRequest = true;
  else delete out.eraseRequest;
  return out;
}

const answers: Understanding[] = [
  { text: 't', intent: 'other', confidence: 0.5, entities: [] },
  { text: 't', intent: 'greet', confidence: 0.9, entities: [], detectedLocale: 'zh-CN' },
  { text: 't', intent: 'other', confidence: 1, entities: [], detectedLocale: 'en', choice: 'personal' },
  { text: 't', intent: 'other', confidence: 1, entities: [], languageRequest: 'zh-TW', detectedLocale: 'zh-TW' },
  { text: 't', intent: 'other', confidence: 1, entities: [], eraseRequest: true, detectedLocale: 'en' },
  { text: 't', intent: 'other', confidence: 1, entities: [], detectedLocale: undefined },
];
const texts = [
  '1',
  'ok',
  '你好',
  '请问营业厅几点开门',
  '請問營業廳幾點開門',
  'English please',
  '说中文',
  '删除我的信息',
  'forget me',
  'hello there',
];

describe('language signals', () => {
  it('are set, kept and removed exactly as on a spread copy, key order included', async () => {
    for (const u of answers) {
      const recognizer = withLanguageSignals({ understand: () => u });
      for (const text of texts) {
        const got = await recognizer.understand(text);
        const want = reference(u, text);
        expect(got, text).toStrictEqual(want);
        expect(Object.keys(got), text).toEqual(Object.keys(want));
      }
    }
  });
});
