import { checkAddress, namesPlace } from '../src/domain/address.js';
import { checkCreditCode } from '../src/domain/credit-code.js';
import { checkMobile } from '../src/domain/phone.js';
import { checkResidentId } from '../src/domain/resident-id.js';
import type { Field, FieldValues, UserType } from './application-fields.js';

/** What one message says about an application. */
export interface Reading {
  userType?: UserType;
  values: Partial<FieldValues>;
  /** Values the user gave that a validator refused, with the validator's reason. */
  errors: { field: Field; reason: string }[];
  /** Fields the user wants to change without giving the new value yet ("手机号换一个"). */
  redo: Field[];
}

export interface ReadContext {
  expecting?: Field;
  userType?: UserType;
  missing: readonly Field[];
  /** Today, from the event (machines have no clock): ID birth dates may not be in the future. */
  today: Date;
}

type Tag = 'legalRep' | 'handlerId' | 'handlerName' | 'creditCode' | 'company' | 'id' | 'name' | 'phone' | 'address';
const ID_SUFFIX = '(?:的)?(?:身份证|证件)?(?:号码|号)?';
// Longer labels first: at one position the regex takes the first alternative that matches.
const LABELS: [Tag, string][] = [
  [
    'legalRep',
    `法定代表人${ID_SUFFIX}|法人代表${ID_SUFFIX}|法人${ID_SUFFIX}|legal rep(?:resentative)?(?:'s)?(?: id(?: number)?)?`,
  ],
  ['handlerId', `经办人(?:的)?身份证(?:号码|号)?|handler(?:'s)? id(?: number)?`],
  ['handlerName', `经办人(?:姓名|名字)?|handler(?:'s)?(?: name)?`],
  [
    'creditCode',
    '统一社会信用代码|社会信用代码|信用代码|营业执照(?:号码|编号|号)?|执照号码?|(?:unified social )?credit code|business licen[cs]e(?: number)?',
  ],
  ['company', '公司名称|企业名称|单位名称|公司名|company name|\\bcompany\\b'],
  ['id', '身份证(?:号码|号)?|证件号码?|\\bid(?: card)?(?: number| no\\.?)?\\b'],
  ['name', '姓名|名字(?:是|叫)?|我叫|my name is|full name|\\bname\\b'],
  ['phone', '手机号码|手机号|手机|联系电话|电话号码|电话|联系方式|mobile(?: number)?|phone(?: number)?|\\btel\\b'],
  ['address', '服务地址|详细地址|地址|住址|(?:service )?address'],
];
const LABEL = new RegExp(LABELS.map(([tag, src]) => `(?<${tag}>${src})`).join('|'), 'gi');
const LONG_TOKEN = /(?<![0-9A-Za-z])(?:\d{6} \d{8} \d{3}[0-9Xx]|[0-9A-Za-z]{15,20})(?![0-9A-Za-z])/g;
const PHONE_RUN = /(?<![0-9A-Za-z+])(?:\+?86[\s-]?)?\d(?:[\s-]?\d){6,12}(?![0-9A-Za-z])/g;
const SEPARATORS = /[,;。、\n]/;
const CORRECTION =
  /(?:写|填|输|打)?错了?|有误|不对|(?:要|想)?(?:改|换|更正|修改|更新)(?:一下|一个|成|为|到)?|应该是|\b(?:wrong|change(?: it| my \w+)?(?: to)?|update|correct(?:ion)?|another|new|instead)\b/gi;
const MENTIONS_CORRECTION = new RegExp(CORRECTION.source, 'i');
const FILLER =
  /我要|我想|想要|申请|办理|开通|一下|异地服务|异地|服务|个人用户|企业用户|个人|企业|用户|您好|你好|请|帮我|\b(?:i want to|i'd like to|apply(?:ing)?|for|cross-region|service|personal|enterprise|user|please|hi|hello)\b/gi;
const COMPANY =
  /([\p{L}\p{N}()（）·&.\s-]{2,40}?(?:有限责任公司|股份有限公司|有限公司|集团|公司|co\.?,? ?ltd\.?|ltd\.?|inc\.?|corporation|company))/iu;
// Every suffix COMPANY knows contains one of these: without any, COMPANY cannot match.
const COMPANY_SUFFIX = /公司|集团|ltd|inc|corporation|company/iu;
const ID_TAGS = new Set<Tag>(['legalRep', 'handlerId', 'id']);

// What is left of "my address is wrong" once the correction words are gone says nothing.
const EMPTY_WORDS = /^(?:\s|\b(?:is|are|was|my|the|it|to|a|an|please|one)\b)*$/i;
const clean = (s: string) => {
  const out = s
    .replace(CORRECTION, ' ')
    .replace(/^[\s:=是为在-]+|[\s:=,;。、.!！?？-]+$/g, '')
    .trim();
  return EMPTY_WORDS.test(out) ? '' : out;
};
const hasDigit = (s: string) => /\d/.test(s);
const plausibleName = (s: string) =>
  !hasDigit(s) && /^[\p{L}·.' -]+$/u.test(s) && ([...s].length >= 2 || /^[A-Za-z]/.test(s)) && [...s].length <= 30;

const BARE_CHINESE_NAME = /^[\u4e00-\u9fff]{1,3}(?:·[\u4e00-\u9fff]{1,6})?[\u4e00-\u9fff]$/u;
const NOT_A_NAME =
  /申请|申請|办理|辦理|异地|異地|服务|服務|用户|用戶|你好|您好|同意|谢谢|謝謝|手机|手機|地址|身份|营业|營業|企业|企業|公司|继续|取消/u;

/** Which user type the words say, if any. */
export function userTypeOf(text: string): UserType | undefined {
  if (/个人|個人|\b(?:personal|individual)\b/i.test(text)) return 'personal';
  if (/企业|企業|公司|\b(?:enterprise|business|company|corporate)\b/i.test(text)) return 'enterprise';
  return undefined;
}

/**
 * Reads every application field in a message: labelled ("手机13812345678", "address: ..."),
 * recognisable by shape (ID numbers, credit codes, mobiles, addresses, company names), or the
 * whole message when it answers the question asked. Invalid values come back as errors with
 * the validator's reason, so the user is told exactly what to fix.
 */
export function readApplication(raw: string, ctx: ReadContext): Reading {
  let text = raw.normalize('NFKC');
  const out: Reading = { values: {}, errors: [], redo: [] };
  const userType = ctx.userType ?? userTypeOf(text);
  if (userType) out.userType = userType;

  const labels: Label[] = [];
  for (const m of text.matchAll(LABEL)) labels.push({ tag: tagOf(m), start: m.index, end: m.index + m[0].length });

  // An ID number or credit code has 6 digits at least, a mobile number 7: most messages have fewer.
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
  }
  // Ticket-free numbers first, so a phone inside an ID number is never read.
  const idQueue: Field[] = userType === 'enterprise' ? enterpriseIdOrder(ctx) : ['idNumber'];
  for (const m of digits >= 6 ? [...text.matchAll(LONG_TOKEN)] : []) {
    const value = m[0].replace(/ /g, '').toUpperCase();
    if ((value.match(/\d/g) ?? []).length < 6) continue;
    const tag = labelAt(labels, m.index);
    const id = checkResidentId(value, ctx.today);
    const credit = checkCreditCode(value);
    const expectsCredit = ctx.expecting === 'creditCode' && !(tag && ID_TAGS.has(tag));
    if (tag === 'creditCode' || (expectsCredit && !id.ok)) {
      if (credit.ok) out.values.creditCode = credit.value;
      else error(out, 'creditCode', credit.reason);
    } else if (id.ok) {
      setId(out, idField(tag, out, idQueue, ctx), id.value);
    } else if (credit.ok) {
      out.values.creditCode = credit.value;
    } else if (
      (tag && ID_TAGS.has(tag)) ||
      isIdField(ctx.expecting) ||
      (/^\d+X?$/.test(value) && value.length === 18)
    ) {
      error(out, idField(tag, out, idQueue, ctx), id.reason);
    } else if (!/^\d+X?$/.test(value)) {
      error(out, 'creditCode', credit.reason);
    } else continue;
    text = blank(text, m.index, m[0].length);
  }
  for (const m of digits >= 7 ? [...text.matchAll(PHONE_RUN)] : []) {
    const phone = checkMobile(m[0]);
    if (phone.ok) out.values.phone = phone.value;
    else if (labelAt(labels, m.index) === 'phone' || ctx.expecting === 'phone') error(out, 'phone', phone.reason);
    else continue;
    text = blank(text, m.index, m[0].length);
  }

  // Labelled words: the value runs to the next label, and (except an English address) to a separator.
  const rest: string[] = [];
  let cursor = 0;
  labels.forEach((label, i) => {
    rest.push(text.slice(cursor, label.start));
    const end = labels[i + 1]?.start ?? text.length;
    const span = text.slice(label.end, end);
    const englishAddress = label.tag === 'address' && !/[\u4e00-\u9fff]/.test(span);
    const cut = englishAddress ? span.search(/[;。\n]/) : span.search(SEPARATORS);
    const value = clean((cut >= 0 ? span.slice(0, cut) : span).replace(/#+/g, ''));
    if (cut >= 0) rest.push(span.slice(cut));
    cursor = end;
    const field = fieldOfTag(label.tag, userType);
    if (value !== '') readLabelled(out, field, value);
    if (field && !out.errors.some((e) => e.field === field) && MENTIONS_CORRECTION.test(raw)) out.redo.push(field);
  });
  rest.push(text.slice(cursor));

  // Unlabelled parts: a company by its suffix, an address by its province or city, the answer asked for.
  const segments = rest
    .join(',')
    // English addresses are written with commas; there only ; and new lines separate fields.
    .split(/[\u4e00-\u9fff]/.test(text) ? SEPARATORS : /[;。\n]/)
    .map((s) => clean(s.replace(/#+/g, '')))
    .filter(Boolean);
  for (const seg of segments) {
    const company = COMPANY_SUFFIX.test(seg) ? COMPANY.exec(seg)?.[1]?.trim() : undefined;
    if (company && out.values.company === undefined) out.values.company = company;
    else if (out.values.address === undefined && namesPlace(seg)) readLabelled(out, 'address', seg);
  }
  // In a list of fields ("个人，张三，身份证…"), a bare 2-4 character Chinese segment is the name.
  if (out.values.name === undefined && Object.keys(out.values).length > 0) {
    const bare = segments.find((seg) => BARE_CHINESE_NAME.test(seg) && !userTypeOf(seg) && !NOT_A_NAME.test(seg));
    if (bare) out.values.name = bare;
  }
  const anything = Object.keys(out.values).length + out.errors.length + out.redo.length > 0;
  const answer = segments.map((s) => clean(s.replace(FILLER, ' ').replace(/^[\s,;、]+/, ''))).find((s) => s !== '');
  if (ctx.expecting === 'name' && out.values.name === undefined && answer && plausibleName(answer))
    out.values.name = answer;
  if (ctx.expecting === 'company' && out.values.company === undefined && answer && !hasDigit(answer))
    out.values.company = answer;
  // Digits where a number is asked are an attempt at it; words are left to the digressions.
  if (!anything && ctx.expecting && answer) {
    if (ctx.expecting === 'address') readLabelled(out, 'address', clean(rest.join(' ').replace(/#+/g, '')));
    else if (ctx.expecting === 'phone' && hasDigit(answer)) {
      const phone = checkMobile(answer);
      error(out, 'phone', phone.ok ? 'format' : phone.reason);
    } else if (ctx.expecting === 'creditCode' && hasDigit(answer)) {
      const code = checkCreditCode(answer);
      error(out, 'creditCode', code.ok ? 'format' : code.reason);
    } else if (isIdField(ctx.expecting) && hasDigit(answer)) {
      const id = checkResidentId(answer, ctx.today);
      error(out, ctx.expecting, id.ok ? 'format' : id.reason);
    }
  }
  // A field that got its new value in the same message is no longer waiting for one.
  if (out.redo.length > 0) out.redo = [...new Set(out.redo)].filter((f) => out.values[f] === undefined);
  return out;
}

interface Label {
  tag: Tag;
  start: number;
  end: number;
}

/** The label a LABEL match is: its one named group that matched. */
function tagOf(m: RegExpExecArray): Tag {
  const groups = m.groups ?? {};
  for (const tag in groups) if (groups[tag] !== undefined) return tag as Tag;
  return 'name';
}

/** The tag of the last label that ends at or before `pos`. */
function labelAt(labels: readonly Label[], pos: number): Tag | undefined {
  let tag: Tag | undefined;
  for (const l of labels) if (l.end <= pos) tag = l.tag;
  return tag;
}

/** A value a validator refused; the first reason per field counts, and none once the field has a value. */
function error(out: Reading, field: Field, reason: string): void {
  if (!out.errors.some((e) => e.field === field) && out.values[field] === undefined) out.errors.push({ field, reason });
}

/** The ID field an unlabelled (or handler-labelled) ID number fills. */
function idField(tag: Tag | undefined, out: Reading, idQueue: Field[], ctx: ReadContext): Field {
  if (tag === 'legalRep') return 'legalRepIdNumber';
  if (tag === 'handlerId') return 'idNumber';
  // The next ID field not already given earlier in this message.
  while (idQueue.length > 0) {
    const f = idQueue.shift()!;
    if (out.values[f] === undefined) return f;
  }
  return ctx.expecting ?? 'idNumber';
}

/** `text` with a span overwritten by `#`, so later patterns do not read it again. */
const blank = (text: string, start: number, length: number): string =>
  text.slice(0, start) + '#'.repeat(length) + text.slice(start + length);

function readLabelled(out: Reading, field: Field | undefined, value: string): void {
  if (field === 'name' && plausibleName(value)) out.values.name = value;
  else if (field === 'company' && !hasDigit(value.replace(/[()（）]/g, ''))) out.values.company = value;
  else if (field === 'address') {
    const a = checkAddress(value);
    if (a.ok) out.values.address = { province: a.province.name, city: a.city.name, detail: a.detail };
    else error(out, 'address', a.reason);
  }
}

const isIdField = (f: Field | undefined): f is 'idNumber' | 'legalRepIdNumber' =>
  f === 'idNumber' || f === 'legalRepIdNumber';

function setId(out: Reading, field: Field, value: string): void {
  if (field === 'legalRepIdNumber') out.values.legalRepIdNumber = value;
  else out.values.idNumber = value;
}

/** Unlabelled enterprise IDs fill what is asked first, then the legal representative's, then the handler's. */
function enterpriseIdOrder(ctx: ReadContext): Field[] {
  const order: Field[] = ['legalRepIdNumber', 'idNumber'];
  const missing = order.filter((f) => ctx.missing.includes(f));
  const first = isIdField(ctx.expecting) ? [ctx.expecting] : [];
  return [...new Set<Field>([...first, ...missing, ...order])];
}

function fieldOfTag(tag: Tag, userType: UserType | undefined): Field | undefined {
  switch (tag) {
    case 'legalRep':
      return 'legalRepIdNumber';
    case 'handlerId':
    case 'id':
      return 'idNumber';
    case 'handlerName':
    case 'name':
      return 'name';
    case 'creditCode':
      return 'creditCode';
    case 'company':
      return userType === 'personal' ? undefined : 'company';
    default:
      return tag;
  }
}
