import type { FeedbackDetails } from './ticket.js';

/**
 * Feedback classification (SERVICE_PROCESS.md section 4, 分类): by nature and by urgency,
 * with offline keyword rules so it works without any model, and explainable: every result
 * carries the words and rules that decided it, for staff.
 */
export const FEEDBACK_CATEGORIES = [
  'network_signal',
  'billing',
  'service_attitude',
  'business_handling',
  'broadband_installation',
  'other',
] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];
export type FeedbackUrgency = FeedbackDetails['urgency'];
export type FeedbackType = FeedbackDetails['type'];

export interface FeedbackClassification {
  category: FeedbackCategory;
  urgency: FeedbackUrgency;
  /** `category:<name> <- "<word>"`, `urgency:<level> <- "<word>"` or `... <- rule:<name>`. */
  explanation: string[];
}

// Simplified and traditional forms both listed: users write either, and folding would need
// a conversion table for a handful of words. English in lower case (text is lower-cased).
// prettier-ignore
const CATEGORY_WORDS: Record<Exclude<FeedbackCategory, 'other'>, readonly string[]> = {
  network_signal: [
    '信号', '信號', '网速', '網速', '上不了网', '上不了網', '掉线', '掉線', '断网', '斷網', '网络', '網絡', '網路', '没信号', '打不了电话', '打不了電話',
    '打不通', '无法通话', '無法通話', '通话中断', '4g', '5g', 'signal', 'network', 'no service', 'cannot call', "can't call",
    'cannot make calls', "can't make calls", 'dropped call', 'internet', 'data connection',
  ],
  billing: [
    '话费', '話費', '扣费', '扣費', '账单', '帳單', '賬單', '收费', '收費', '乱收费', '亂收費', '多扣', '余额', '餘額', '欠费', '欠費', '退费',
    '退費', '套餐费', '充值', '发票', '發票', 'bill', 'billing', 'charge', 'charged', 'fee', 'refund', 'balance',
    'invoice', 'overcharge',
  ],
  service_attitude: [
    '态度', '態度', '不耐烦', '不耐煩', '骂', '罵', '不理人', '服务差', '服務差', '冷漠', '敷衍', '粗鲁', '粗魯', 'attitude', 'rude',
    'impolite', 'unfriendly', 'unhelpful', 'ignored me',
  ],
  business_handling: [
    '办理', '辦理', '营业厅', '營業廳', '业务', '業務', '手续', '手續', '过户', '過戶', '销户', '銷戶', '开通', '開通', '补卡', '補卡', '携号转网',
    '攜號轉網', '异地', '異地', '排队', '排隊', 'business hall', 'application', 'transfer', 'cancel my', 'sim card',
    'queue', 'paperwork', 'activation',
  ],
  broadband_installation: [
    '宽带', '寬帶', '寬頻', '装机', '裝機', '安装', '安裝', '光纤', '光纖', '光猫', '光貓', '路由器', '上门', '上門', '师傅', '師傅',
    'broadband', 'fiber', 'fibre', 'installation', 'install', 'installer', 'router', 'technician',
  ],
};

/** Where something happened rather than what: they name a category but not a second problem. */
const PLACE_WORDS: readonly string[] = ['营业厅', '營業廳', 'business hall'];

/** Cannot call, service cut, emergency wording: a human at once (实时反馈). */
// prettier-ignore
const URGENT_WORDS: readonly string[] = [
  '打不了电话', '打不了電話', '无法通话', '無法通話', '不能打电话', '不能打電話', '打不出去', '停机', '停機', '断网', '斷網', '被停', '急', '救命', '报警',
  '報警', '紧急', '緊急', 'urgent', 'emergency', 'cannot call', "can't call", 'cannot make calls',
  "can't make calls", 'service cut', 'cut off', 'suspended', 'help me', 'police',
];

/** Needs investigation, several departments, a repeated problem: the 72 h reply (延时反馈). */
// prettier-ignore
const COMPLEX_WORDS: readonly string[] = [
  '多次', '反复', '反復', '好几次', '好幾次', '再次', '又一次', '几个月', '幾個月', '几个部门', '幾個部門', '多个部门', '多個部門', '推来推去', '推來推去',
  '踢皮球', '调查', '調查', '查清', '没人管', '沒人管', '至今', 'again', 'several times', 'many times', 'repeated',
  'repeatedly', 'months', 'investigate', 'investigation', 'several departments', 'nobody', 'still not',
  'still no',
];

// prettier-ignore
const PRAISE_WORDS: readonly string[] = [
  '表扬', '表揚', '赞', '讚', '感谢', '感謝', '好评', '好評', '满意', '滿意', '点赞', '點讚', '很好', '辛苦了', '耐心', 'praise', 'thank',
  'thanks', 'compliment', 'great service', 'excellent', 'helpful', 'kudos',
];

/** Words that only say "this is feedback"; without anything else the user has not yet said what happened. */
// prettier-ignore
const GENERIC_WORDS: readonly string[] = [
  '我要', '我想', '投诉', '投訴', '建议', '建議', '意见', '意見', '反馈', '反饋', '表扬', '表揚', '一下', '个', '個', '一个', '一個', '问题',
  '問題', '你们', '你們', '请问', '請問', 'intent:complaint', 'intent:suggestion', 'i', 'want', 'would', 'like', 'to',
  'make', 'a', 'an', 'file', 'complain', 'complaint', 'suggestion', 'suggest', 'feedback', 'give', 'have',
  'praise', 'some', 'please', 'problem', 'report',
];

// Longest first so that 一个 goes before 个; Latin words as whole words.
const GENERIC_REMOVALS: readonly (readonly [string, RegExp | undefined])[] = [...GENERIC_WORDS]
  .sort((a, b) => b.length - a.length)
  .map((w) => [w, /^[a-z:' ]+$/.test(w) ? new RegExp(`(^|[^a-z])${w}(?=$|[^a-z])`, 'g') : undefined]);

const lower = (text: string) => text.toLowerCase();
// Whole-word patterns of the Latin words of the lists above, compiled on first use.
const WHOLE_WORD = new Map<string, RegExp>();
/** Latin words match whole words only ("fee" is not in "feel"); Chinese words anywhere. */
function contains(text: string, word: string): boolean {
  if (!/^[a-z0-9' ]+$/.test(word)) return text.includes(word);
  let pattern = WHOLE_WORD.get(word);
  if (!pattern) WHOLE_WORD.set(word, (pattern = new RegExp(`(^|[^a-z])${word}($|[^a-z])`)));
  return pattern.test(text);
}
const hits = (text: string, words: readonly string[]) => words.filter((w) => contains(text, w));

/** Categories in the order that breaks ties: the more specific problem first. */
const TIE_ORDER: readonly Exclude<FeedbackCategory, 'other'>[] = [
  'broadband_installation',
  'network_signal',
  'billing',
  'service_attitude',
  'business_handling',
];

/**
 * Nature and urgency of a complaint by offline rules. Suggestions and praise are never
 * urgent: they are answered on the routine (24 h) clock.
 */
export function classifyFeedback(text: string, type: FeedbackType = 'complaint'): FeedbackClassification {
  const t = lower(text);
  const explanation: string[] = [];
  const found = TIE_ORDER.map((category) => ({ category, words: hits(t, CATEGORY_WORDS[category]) })).filter(
    (f) => f.words.length > 0,
  );
  // Most matching words wins; the tie order decides between equals (stable sort).
  const ranked = [...found].sort((a, b) => b.words.length - a.words.length);
  const best = ranked[0];
  const category: FeedbackCategory = best?.category ?? 'other';
  if (best) explanation.push(...best.words.map((w) => `category:${category} <- "${w}"`));
  else explanation.push('category:other <- rule:no_category_words');

  if (type !== 'complaint') {
    explanation.push(`urgency:routine <- rule:${type}_not_urgent`);
    return { category, urgency: 'routine', explanation };
  }
  const urgent = hits(t, URGENT_WORDS);
  if (urgent.length > 0) {
    explanation.push(...urgent.map((w) => `urgency:urgent <- "${w}"`));
    return { category, urgency: 'urgent', explanation };
  }
  const complex = hits(t, COMPLEX_WORDS);
  if (complex.length > 0) {
    explanation.push(...complex.map((w) => `urgency:complex <- "${w}"`));
    return { category, urgency: 'complex', explanation };
  }
  // Problems of two natures at once involve two departments.
  const problems = found.filter((f) => f.words.some((w) => !PLACE_WORDS.includes(w)));
  if (problems.length >= 2) {
    explanation.push(`urgency:complex <- rule:several_categories(${problems.map((f) => f.category).join(',')})`);
    return { category, urgency: 'complex', explanation };
  }
  explanation.push('urgency:routine <- rule:default');
  return { category, urgency: 'routine', explanation };
}

/** Complaint, suggestion or praise: the recogniser's intent first, praise words refine a suggestion. */
export function feedbackTypeOf(text: string, intent: 'complaint' | 'suggestion'): FeedbackType {
  if (intent === 'complaint') return 'complaint';
  return hits(lower(text), PRAISE_WORDS).length > 0 ? 'praise' : 'suggestion';
}

/**
 * Whether the words say what happened, beyond "I want to complain": what is left after the
 * generic words, punctuation and spaces has at least 3 characters (Chinese) or 2 words (English).
 */
export function describesSomething(text: string): boolean {
  let t = lower(text);
  for (const [w, pattern] of GENERIC_REMOVALS) t = pattern ? t.replace(pattern, '$1') : t.split(w).join('');
  const rest = t.replace(/[\p{P}\p{S}\s\d]/gu, '');
  const han = [...rest].filter((c) => /\p{Script=Han}/u.test(c)).length;
  const words = t.split(/[^a-z]+/).filter((w) => w.length > 1).length;
  return han >= 3 || words >= 2;
}

/** An agent a user praises: "客服小王", "工号 1024", "agent Li". */
export function praisedAgentOf(text: string): string | undefined {
  const zh =
    /(?:客服|工号|工號|话务员|話務員|营业员|營業員|专员|專員)\s*[:：]?\s*([\p{Script=Han}A-Za-z0-9]{1,6}?)(?=[，,。.!！\s的服务服務态度態度很非]|$)/u.exec(
      text,
    );
  if (zh?.[1]) return zh[1];
  const en = /\b(?:agent|staff|operator|employee)\s+(?:no\.?\s*)?([A-Z][a-z]+|\d{2,6})\b/.exec(text);
  return en?.[1];
}
