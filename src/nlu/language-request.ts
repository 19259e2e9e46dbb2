import type { Recognizer, Understanding } from '../core/nlu.js';
import { isEraseRequest } from './erase-request.js';
import { nfkc, simplify } from './normalize.js';
import { hasSimplifiedCharacter } from './simplified-only.js';

type Lang = NonNullable<Understanding['languageRequest']>;

// Explicit requests to change language; matched on the whole (short) message so that
// "英文名怎么写" or a sentence mentioning Chinese is not taken as a request.
const REQUESTS: [RegExp, Lang][] = [
  [/^(?:please\s+)?(?:in\s+|speak\s+|use\s+|switch\s+to\s+)?english(?:\s+please)?[.!。！]?$/i, 'en'],
  [/^(?:请)?(?:说|讲|用|切换成?|换成?)?英文(?:吧|回复|交流)?[。！!]?$/, 'en'],
  [
    /^(?:please\s+)?(?:in\s+|speak\s+|use\s+|switch\s+to\s+)?(?:simplified\s+)?chinese(?:\s+please)?[.!。！]?$/i,
    'zh-CN',
  ],
  [/^(?:请)?(?:说|讲|用|切换成?|换成?)(?:中文|简体中文|普通话|简体)(?:吧|回复|交流)?[。！!]?$/, 'zh-CN'],
  [/^(?:please\s+)?(?:in\s+|use\s+|switch\s+to\s+)?traditional\s+chinese(?:\s+please)?[.!。！]?$/i, 'zh-TW'],
  [
    /^(?:請|请)?(?:說|说|講|讲|用|切換成?|切换成?|換成?|换成?)?(?:繁體中文|繁体中文|繁體|繁体)(?:吧|回覆|回复)?[。！!]?$/,
    'zh-TW',
  ],
];

/** The language the user explicitly asked for, if the message is such a request. */
export function languageRequestOf(text: string): Lang | undefined {
  const t = nfkc(text).trim();
  if (t.length > 40) return undefined;
  for (const [re, lang] of REQUESTS) if (re.test(t)) return lang;
  return undefined;
}

const CJK = /[\u3400-\u9fff]/;
const LATIN_WORD = /[a-z]{2,}/gi;

/**
 * The language a message is plainly written in, or undefined when it can't be told ("1", "ok",
 * "你好" is the same in both scripts). Switching language on a weak signal would annoy users.
 */
export function confidentLocaleOf(raw: string): Lang | undefined {
  const text = nfkc(raw);
  if (CJK.test(text)) {
    if (simplify(text) !== text) return 'zh-TW';
    return hasSimplifiedCharacter(text) ? 'zh-CN' : undefined;
  }
  return twoLatinWords(text) ? 'en' : undefined;
}

/** At least two runs of two or more Latin letters, without building the list of them. */
function twoLatinWords(text: string): boolean {
  LATIN_WORD.lastIndex = 0;
  const found = LATIN_WORD.test(text) && LATIN_WORD.test(text);
  LATIN_WORD.lastIndex = 0;
  return found;
}

/** Adds the language signals (`languageRequest`, confident `detectedLocale`) to any recogniser's answers. */
export function withLanguageSignals(recognizer: Recognizer): Recognizer {
  return {
    async understand(text, context) {
      const understood = await recognizer.understand(text, context);
      return withSignals(understood, confidentLocaleOf(text), languageRequestOf(text), isEraseRequest(text));
    },
  };
}

/**
 * A copy of `u` with the signals set: a signal `u` already has keeps its place, a new one comes
 * after in the order detectedLocale, languageRequest, eraseRequest; a confident locale or an erase
 * request that is absent removes the recogniser's. (Built key by key: on Node 20, adding to or
 * deleting from a spread copy costs ~0.5 µs each.)
 */
function withSignals(
  u: Understanding,
  detected: Lang | undefined,
  request: Lang | undefined,
  erase: boolean,
): Understanding {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(u)) {
    if (key === 'detectedLocale') {
      if (detected) out.detectedLocale = detected;
    } else if (key === 'languageRequest') {
      out.languageRequest = request ?? u.languageRequest;
    } else if (key === 'eraseRequest') {
      if (erase) out.eraseRequest = true;
    } else {
      out[key] = u[key as keyof Understanding];
    }
  }
  if (detected && !('detectedLocale' in u)) out.detectedLocale = detected;
  if (request && !('languageRequest' in u)) out.languageRequest = request;
  if (erase && !('eraseRequest' in u)) out.eraseRequest = true;
  return out as unknown as Understanding;
}
