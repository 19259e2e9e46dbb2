/**
 * The conversations the simulated customers hold. Each step says what the customer sends and
 * what the answer must contain (in the customer's locale), so a fast wrong answer counts as an
 * error, not as throughput.
 */
export interface Step {
  text: string;
  /** Value of a pressed quick-reply button, sent with `text` as its label. */
  postback?: string;
  /** Must match the joined texts of the replies. */
  expect: RegExp;
}

export interface Scenario {
  name: string;
  locale: 'zh-CN' | 'en' | 'zh-TW';
  steps: Step[];
}

/** Information conversations: greeting -> menu -> materials -> hours (and which city) -> goodbye. */
export const INFO_SCENARIOS: Scenario[] = [
  {
    name: 'info-zh-CN',
    locale: 'zh-CN',
    steps: [
      { text: '你好', expect: /欢迎/ },
      { text: '办理需要什么材料', expect: /材料/ },
      { text: '受理时间', postback: 'intent:hours', expect: /城市/ },
      { text: '杭州', expect: /杭州市的营业厅/ },
      { text: '好的谢谢，再见', expect: /感谢/ },
    ],
  },
  {
    name: 'info-en',
    locale: 'en',
    steps: [
      { text: 'hello', expect: /welcome/i },
      { text: 'what documents do I need?', expect: /document|ID|licen[cs]e/i },
      { text: 'Service hours', postback: 'intent:hours', expect: /which city/i },
      { text: 'Shanghai', expect: /Business halls in Shanghai/ },
      { text: 'thanks, bye', expect: /thank/i },
    ],
  },
];

/** A scenario for customer number `i`: a fixed mix, so every run offers the same load. */
export function scenarioFor(i: number, scenarios: readonly Scenario[]): Scenario {
  return scenarios[i % scenarios.length]!;
}
