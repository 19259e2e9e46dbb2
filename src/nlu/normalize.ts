import * as OpenCC from 'opencc-js';

// Building a converter takes ~20 ms, so there is exactly one, made on first use.
let toSimplified: ((s: string) => string) | undefined;

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const SPACES = /\s+/g;

/** The form every recogniser works on, plus what the raw text says about its language. */
export interface Normalized {
  /** NFKC (full-width to half-width), lower-cased, simplified Chinese, runs of space collapsed. */
  text: string;
  /** The text had characters that only exist in traditional Chinese. */
  traditional: boolean;
  detectedLocale: 'zh-CN' | 'zh-TW' | 'en';
}

/**
 * `f` remembering its last answer. One message goes through the same steps several times in a
 * turn (the recogniser, then the language signals), with the same text each time.
 */
export function lastOne(f: (s: string) => string): (s: string) => string {
  let lastIn: string | undefined;
  let lastOut = '';
  return (s) => {
    if (s !== lastIn) {
      lastOut = f(s);
      lastIn = s;
    }
    return lastOut;
  };
}

/** `s.normalize('NFKC')`, remembering the last text. */
export const nfkc = lastOne((s) => s.normalize('NFKC'));

const convertToSimplified = lastOne((s) => (toSimplified ??= OpenCC.Converter({ from: 'tw', to: 'cn' }))(s));

/** Traditional to simplified (Taiwan standard), for text already NFKC-normalised. */
export function simplify(text: string): string {
  return CJK.test(text) ? convertToSimplified(text) : text;
}

/** Normalises one user message; cheap enough to run on every turn. */
export function normalize(raw: string): Normalized {
  const folded = nfkc(raw).toLowerCase();
  const simplified = simplify(folded);
  const text = simplified.replace(SPACES, ' ').trim();
  const traditional = simplified !== folded && text !== folded.replace(SPACES, ' ').trim();
  // Latin letters (a-z once lower-cased) and CJK characters, counted in UTF-16 units.
  let latin = 0;
  let cjk = 0;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) latin++;
    else if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff)) cjk++;
  }
  // "ok 谢谢" is Chinese: English only when Latin letters clearly outnumber CJK characters.
  const detectedLocale = traditional ? 'zh-TW' : latin > 0 && latin > cjk * 2 ? 'en' : 'zh-CN';
  return { text, traditional, detectedLocale };
}
