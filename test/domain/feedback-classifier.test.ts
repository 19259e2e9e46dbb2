import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyFeedback,
  describesSomething,
  FEEDBACK_CATEGORIES,
  feedbackTypeOf,
  praisedAgentOf,
} from '../../src/domain/feedback-classifier.js';

describe('classifyFeedback: example table', () => {
  const rows: [string, string, string][] = [
    ['我的手机打不了电话了，在北京', 'network_signal', 'urgent'],
    ['手机停机了，急！', 'other', 'urgent'],
    ['救命，号码被停了没法报警', 'other', 'urgent'],
    ['家里信号很差，网速慢', 'network_signal', 'routine'],
    ['上个月话费多扣了50元', 'billing', 'routine'],
    ['营业厅工作人员态度很差', 'service_attitude', 'routine'],
    ['宽带安装师傅一直没上门', 'broadband_installation', 'routine'],
    ['话费多扣的问题我反映了好几次，一直没人管', 'billing', 'complex'],
    ['信号问题和话费问题都有', 'network_signal', 'complex'],
    ['營業廳辦理業務排隊太久', 'business_handling', 'routine'],
    ['My phone cannot make calls, urgent!', 'network_signal', 'urgent'],
    ['I was charged twice on my bill', 'billing', 'routine'],
    ['The staff at the business hall were rude', 'service_attitude', 'routine'],
    ['The broadband installation failed again, several times now', 'broadband_installation', 'complex'],
    ['Something else is bothering me today', 'other', 'routine'],
  ];
  it.each(rows)('%s -> %s / %s', (text, category, urgency) => {
    const c = classifyFeedback(text);
    expect({ category: c.category, urgency: c.urgency }).toEqual({ category, urgency });
  });

  it('explains with the words that decided', () => {
    const c = classifyFeedback('手机停机了，话费也不对');
    expect(c.explanation).toContain('category:billing <- "话费"');
    expect(c.explanation).toContain('urgency:urgent <- "停机"');
  });

  it('suggestions and praise are never urgent', () => {
    expect(classifyFeedback('建议营业厅急需增加窗口', 'suggestion').urgency).toBe('routine');
    expect(classifyFeedback('感谢客服救命之恩', 'praise').urgency).toBe('routine');
  });
});

const URGENT = ['打不了电话', '停机', '急', '救命', '报警', 'emergency', 'cannot call'];
const noise = fc.string({ maxLength: 30 }).map((s) => s.replace(/[a-z]/gi, ''));

describe('classifyFeedback: properties', () => {
  it('is deterministic and total: a known category, an urgency, at least one reason each', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const a = classifyFeedback(text);
        expect(classifyFeedback(text)).toEqual(a);
        expect(FEEDBACK_CATEGORIES).toContain(a.category);
        expect(['urgent', 'routine', 'complex']).toContain(a.urgency);
        expect(a.explanation.some((e) => e.startsWith('category:'))).toBe(true);
        expect(a.explanation.some((e) => e.startsWith(`urgency:${a.urgency}`))).toBe(true);
      }),
    );
  });

  it('emergency wording anywhere makes a complaint urgent', () => {
    fc.assert(
      fc.property(noise, fc.constantFrom(...URGENT), noise, (before, word, after) => {
        const c = classifyFeedback(`${before} ${word} ${after}`);
        expect(c.urgency).toBe('urgent');
        expect(c.explanation).toContain(`urgency:urgent <- "${word}"`);
      }),
    );
  });

  it('every quoted word of the explanation occurs in the text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom('信号', '话费', '态度', '宽带', '办理', '多次', '急', 'bill', 'rude', ' again ', 'x'),
          {
            maxLength: 6,
          },
        ),
        (parts) => {
          const text = parts.join('，');
          for (const e of classifyFeedback(text).explanation) {
            const word = /"(.+)"$/.exec(e)?.[1];
            if (word) expect(text.toLowerCase()).toContain(word);
          }
        },
      ),
    );
  });
});

describe('intake helpers', () => {
  it.each([
    ['投诉', false],
    ['我要投诉', false],
    ['intent:complaint', false],
    ['I want to complain', false],
    ['I have a suggestion', false],
    ['我要投诉信号很差', true],
    ['上个月话费多扣了', true],
    ['I want to complain about my bill', true],
  ])('describesSomething(%s) = %s', (text, expected) => {
    expect(describesSomething(text)).toBe(expected);
  });

  it('tells praise from a suggestion, and finds the praised agent', () => {
    expect(feedbackTypeOf('表扬一下客服小王，服务很好', 'suggestion')).toBe('praise');
    expect(feedbackTypeOf('建议延长营业时间', 'suggestion')).toBe('suggestion');
    expect(feedbackTypeOf('表扬', 'complaint')).toBe('complaint');
    expect(praisedAgentOf('表扬一下客服小王，服务很好')).toBe('小王');
    expect(praisedAgentOf('I want to praise agent Li, very helpful')).toBe('Li');
    expect(praisedAgentOf('感谢你们')).toBeUndefined();
  });
});
