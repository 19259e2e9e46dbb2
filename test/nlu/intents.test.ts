import { describe, expect, it } from 'vitest';
import { createOfflineRecognizer } from '../../src/nlu/offline.js';
import { normalize } from '../../src/nlu/normalize.js';

const nlu = createOfflineRecognizer();

// Sentences written for these tests, not taken from data/nlu: a few per intent and language.
const CASES: Array<[string, string]> = [
  ['apply', '你好，我想开通异地服务'],
  ['apply', '我想辦理異地業務'],
  ['apply', 'I want to apply for cross-region service'],
  ['close', '帮我把异地业务关闭掉'],
  ['close', '我要取消異地服務'],
  ['close', 'please close my cross-region service'],
  ['status', '我上周提交的申请进度怎么样了'],
  ['status', 'YD261125000042 到哪一步了'],
  ['status', 'what is the status of my application'],
  ['complaint', '这边信号差得很，电话老掉线'],
  ['complaint', '你們亂扣費，我要投訴'],
  ['complaint', 'I was charged twice this month'],
  ['suggestion', '建议你们营业厅周末也开门'],
  ['suggestion', 'I suggest you make the app simpler'],
  ['agent', '转人工'],
  ['agent', '我要人工客服'],
  ['agent', '請轉人工'],
  ['agent', 'I want to talk to a human'],
  ['materials', '办理异地服务需要什么材料'],
  ['materials', '需要帶身分證嗎'],
  ['materials', 'which documents do I need to bring'],
  ['hours', '营业厅几点开门'],
  ['hours', '週末有營業嗎'],
  ['hours', 'what are your opening hours'],
  ['channels', '可以在手机APP上办理吗'],
  ['channels', 'can I apply online'],
  ['greet', '您好'],
  ['greet', 'hello'],
  ['goodbye', '好的谢谢，拜拜'],
  ['goodbye', 'thanks, bye'],
  ['affirm', '好的'],
  ['affirm', 'yes'],
  ['deny', '不要'],
  ['deny', 'no'],
  ['cancel', '算了'],
  ['cancel', '不办了'],
  ['cancel', 'never mind'],
  ['help', '你能做什么'],
  ['help', 'what can you do'],
  ['other', '今天天气怎么样'],
  ['other', '给我讲个笑话'],
  ['other', 'book me a flight to Beijing'],
  ['other', 'any stock tips?'],
];

describe('offline intents', () => {
  it.each(CASES)('%s: %s', (intent, text) => {
    expect(nlu.understand(text).intent).toBe(intent);
  });

  it('keeps 取消异地业务 (close the service) apart from 取消 (stop the flow)', () => {
    expect(nlu.understand('取消异地业务').intent).toBe('close');
    expect(nlu.understand('取消').intent).toBe('cancel');
  });

  it('reads full-width text like half-width', () => {
    expect(nlu.understand('ＣＡＮＣＥＬ').intent).toBe('cancel');
    expect(nlu.understand('ｗｈａｔ ｔｉｍｅ ｄｏ ｙｏｕ ｏｐｅｎ').intent).toBe('hours');
  });

  it('says nothing confident about gibberish and empty text', () => {
    expect(nlu.understand('qwzxv').intent).toBe('other');
    expect(nlu.understand('').intent).toBe('other');
    expect(nlu.understand('？？？').intent).toBe('other');
  });

  it('reports confidence between 0 and 1', () => {
    for (const [, text] of CASES) {
      const c = nlu.understand(text).confidence;
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThanOrEqual(1);
    }
  });
});

describe('detected locale', () => {
  it.each([
    ['我想開通異地服務', 'zh-TW'],
    ['我想开通异地服务', 'zh-CN'],
    ['ok 谢谢', 'zh-CN'],
    ['I want to open cross-region service', 'en'],
  ])('%s -> %s', (text, locale) => {
    expect(nlu.understand(text).detectedLocale).toBe(locale);
  });

  it('normalises traditional, full-width and case', () => {
    expect(normalize('營業廳ＯＰＥＮ').text).toBe('营业厅open');
  });
});
