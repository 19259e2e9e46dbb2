import * as OpenCC from 'opencc-js';

// Building a converter takes ~20 ms, so there is exactly one, made on first use.
let toSimplified: ((s: string) => string) | undefined;

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const LATIN = /[a-z]/gi;
const CJK_ALL = /[\u3400-\u9fff\uf900-\ufaff]/g;

/** The form every recogniser works on, plus what the raw text says about its language. */
export interface Normalized {
  /** NFKC (full-width to half-width), lower-cased, simplified Chinese, runs of space collapsed. */
  text: string;
  /** The text had characters that only exist in traditional Chinese. */
  traditional: boolean;
  detectedLocale: 'zh-CN' | 'zh-TW' | 'en';
}

/** Traditional to simplified (Taiwan standard), for text already NFKC-normalised. */
export function simplify(text: string): string {
  if (!CJK.test(text)) return text;
  const convert = (toSimplified ??= OpenCC.Converter({ from: 'tw', to: 'cn' }));
  return convert(text);
}

/** Normalises one user message; cheap enough to run on every turn. */
export function normalize(raw: string): Normalized {
  const nfkc = raw.normalize('NFKC').toLowerCase();
  const text = simplify(nfkc).replace(/\s+/g, ' ').trim();
  const traditional = text !== nfkc.replace(/\s+/g, ' ').trim();
  const latin = nfkc.match(LATIN)?.length ?? 0;
  const cjk = nfkc.match(CJK_ALL)?.length ?? 0;
  // "ok 谢谢" is Chinese: English only when Latin letters clearly outnumber CJK characters.
  const detectedLocale = traditional ? 'zh-TW' : latin > 0 && latin > cjk * 2 ? 'en' : 'zh-CN';
  return { text, traditional, detectedLocale };
}
