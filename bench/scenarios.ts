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

/** A personal application, one field a turn as most customers answer, to a YD ticket. */
export const APPLICATION_SCENARIOS: Scenario[] = [
  {
    name: 'apply-zh-CN',
    locale: 'zh-CN',
    steps: [
      { text: '你好', expect: /欢迎/ },
      { text: '申请异地服务', postback: 'intent:apply', expect: /个人还是企业/ },
      { text: '个人', expect: /姓名/ },
      { text: '张三', expect: /身份证号码/ },
      { text: '11010519491231002X', expect: /服务地址/ },
      { text: '13812345678', expect: /服务地址/ },
      { text: '北京市朝阳区建国路88号', expect: /110105\*{8}002X[\s\S]*异地服务协议/ },
      { text: '同意', expect: /工单号：YD\d{12}/ },
      { text: '谢谢，再见', expect: /感谢/ },
    ],
  },
];

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

/** The bench's mix: half the customers apply (a YD ticket each), half ask for information (zh-CN and en). */
export const BENCH_MIX: readonly Scenario[] = [
  APPLICATION_SCENARIOS[0]!,
  INFO_SCENARIOS[0]!,
  APPLICATION_SCENARIOS[0]!,
  INFO_SCENARIOS[1]!,
];

/** Turns in an average conversation of `scenarios`. */
export const turnsPerConversation = (scenarios: readonly Scenario[]): number =>
  scenarios.reduce((s, c) => s + c.steps.length, 0) / scenarios.length;
