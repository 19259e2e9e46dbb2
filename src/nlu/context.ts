import type { Intent, NluContext } from '../core/nlu.js';
import { AFFIRM, DENY } from './rules.js';
import { normalize } from './normalize.js';

const CHINESE_ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const ENGLISH_ORDINALS = [
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
];

/** Yes or no at a yes/no step, read from the whole message. */
export function readYesNo(text: string): Intent | undefined {
  if (DENY.test(text)) return 'deny';
  if (AFFIRM.test(text)) return 'affirm';
  return undefined;
}

/**
 * The option a message picks at a choice step: "1", "１", "第一个", "选1", "first", or the
 * option's own value typed out. Undefined when it picks nothing (or is ambiguous).
 */
export function readChoice(text: string, context: NluContext): string | undefined {
  const choices = context.choices ?? [];
  if (choices.length === 0) return undefined;
  const t = text.replace(/[\s,.!?，。！？~～]+/g, '');
  const m =
    /^(?:选|选择|要|第|option|number|no\.?|#)?(\d{1,2})(?:个|项|号|号选项)?$/.exec(t) ??
    /^(?:选|选择|要)?第?([一二三四五六七八九十])(?:个|项|号)?$/.exec(t);
  if (m?.[1]) {
    const n = /\d/.test(m[1]) ? Number(m[1]) : CHINESE_ORDINALS.indexOf(m[1]) + 1;
    return choices[n - 1];
  }
  const word = /^(?:the)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)(?:one|option)?$/.exec(t);
  if (word?.[1]) return choices[ENGLISH_ORDINALS.indexOf(word[1])];
  const exact = choices.find((c) => normalizedChoice(c) === t);
  if (exact !== undefined) return exact;
  // "我选个人用户" picks "个人用户"; two options mentioned is no pick at all.
  const mentioned = choices.filter((c) => {
    const n = normalizedChoice(c);
    return n.length >= 2 && t.includes(n);
  });
  return mentioned.length === 1 ? mentioned[0] : undefined;
}

// Choices are the values of the buttons the dialogues offer: few, and the same every turn.
const normalizedChoices = new Map<string, string>();
function normalizedChoice(choice: string): string {
  let n = normalizedChoices.get(choice);
  if (n === undefined) {
    n = normalize(choice).text.replace(/[\s,.!?，。！？~～]+/g, '');
    if (normalizedChoices.size < 1000) normalizedChoices.set(choice, n);
  }
  return n;
}

/** Nothing is left of the message once its entities and filler words are taken out. */
export function isBareValue(entities: ReadonlyArray<{ start?: number; end?: number }>, raw: string): boolean {
  let rest = raw;
  for (const e of [...entities].sort((a, b) => (b.start ?? 0) - (a.start ?? 0))) {
    if (e.start === undefined || e.end === undefined) continue;
    rest = rest.slice(0, e.start) + ' ' + rest.slice(e.end);
  }
  const left = normalize(rest).text.replace(/[\s\p{P}\p{S}]+/gu, '');
  // A number the validators refused ("1381234567", a score "5") is still an answer here.
  if (/^[\dx]*$/.test(left)) return true;
  return /^(我的|我|的|手机号码?|电话号码?|号码|手机|电话|身份证号码?|身份证|证件号码?|信用代码|统一社会信用代码|工单号?|单号|编号|是|为|这个|打|分|my|phone|mobile|number|id|is|it|its|score)+$/.test(
    left,
  );
}
