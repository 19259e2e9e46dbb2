import { describe, expect, it } from 'vitest';
import { createOfflineRecognizer } from '../../src/nlu/offline.js';

const nlu = createOfflineRecognizer();

describe('yes/no step', () => {
  it.each(['是的', '对', '好', '嗯', 'ok', 'OK', 'yes', '好的！', '對的'])('%s is affirm', (text) => {
    expect(nlu.understand(text, { expecting: 'yesno' }).intent).toBe('affirm');
  });
  it.each(['不', '不是', 'no', '不对', 'No.', '不要'])('%s is deny', (text) => {
    expect(nlu.understand(text, { expecting: 'yesno' }).intent).toBe('deny');
  });
  it('still lets a request for a human through', () => {
    expect(nlu.understand('转人工', { expecting: 'yesno' }).intent).toBe('agent');
  });
});

describe('choice step', () => {
  const ctx = { expecting: 'choice' as const, choices: ['personal', 'enterprise', '营业厅办理'] };
  it.each([
    ['1', 'personal'],
    ['１', 'personal'],
    ['第一个', 'personal'],
    ['2', 'enterprise'],
    ['第二个', 'enterprise'],
    ['选3', '营业厅办理'],
    ['the first one', 'personal'],
    ['enterprise', 'enterprise'],
    ['营业厅办理', '营业厅办理'],
    ['我选营业厅办理吧', '营业厅办理'],
  ])('%s picks %s', (text, choice) => {
    expect(nlu.understand(text, ctx).choice).toBe(choice);
  });
  it('picks nothing for a number past the end or another subject', () => {
    expect(nlu.understand('7', ctx).choice).toBeUndefined();
    expect(nlu.understand('营业厅几点开门', ctx).choice).toBeUndefined();
    expect(nlu.understand('营业厅几点开门', ctx).intent).toBe('hours');
  });
  it('lets cancel through', () => {
    const u = nlu.understand('算了', ctx);
    expect(u.intent).toBe('cancel');
    expect(u.choice).toBeUndefined();
  });
});

describe('phone and ID steps', () => {
  it('a bare mobile number is the answer, not a new intent', () => {
    const u = nlu.understand('138 1234 5678', { expecting: 'phone' });
    expect(u.intent).toBe('other');
    expect(u.entities).toMatchObject([{ type: 'phone', value: '13812345678' }]);
  });
  it('a number with filler words is still the answer', () => {
    expect(nlu.understand('我的手机号是13812345678', { expecting: 'phone' }).intent).toBe('other');
  });
  it('a bare ID number is the answer', () => {
    const u = nlu.understand('11010519491231002x', { expecting: 'id_number' });
    expect(u.intent).toBe('other');
    expect(u.entities).toMatchObject([{ type: 'id_number', value: '11010519491231002X' }]);
  });
  it('a mistyped number is still an answer, not a change of subject', () => {
    expect(nlu.understand('1381234567', { expecting: 'phone' }).intent).toBe('other');
  });
  it('strong intents win', () => {
    expect(nlu.understand('不办了', { expecting: 'phone' }).intent).toBe('cancel');
    expect(nlu.understand('转人工', { expecting: 'id_number' }).intent).toBe('agent');
  });
});
