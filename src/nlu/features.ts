/**
 * Feature extraction for the intent model: character 1-3-grams inside CJK runs, words,
 * word bigrams and character trigrams (for typos) inside Latin runs, and shape features.
 * Numbers never become features by value: a ticket or phone number says nothing about
 * intent beyond "there is a number here".
 */
import { conceptFeatures } from './lexicon.js';

const TOKEN = /(?:yd|fk)\d{12}|\d+|[a-z]+(?:'[a-z]+)?|[\u3400-\u9fff\uf900-\ufaff]+/g;

export function features(text: string): string[] {
  const out: string[] = [];
  const words: string[] = [];
  let cjkChars = 0;
  for (const m of text.matchAll(TOKEN)) {
    const tok = m[0];
    const c = tok.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39) {
      out.push(tok.length >= 7 ? '#longnum' : '#num');
      words.push('#n');
    } else if (c < 0x80) {
      if (/^(?:yd|fk)\d{12}$/.test(tok)) {
        out.push('#ticket');
        words.push('#t');
        continue;
      }
      out.push('w:' + tok);
      words.push(tok);
      const padded = '<' + tok + '>';
      if (tok.length > 3) for (let i = 0; i + 3 <= padded.length; i++) out.push('l:' + padded.slice(i, i + 3));
    } else {
      cjkChars += tok.length;
      const padded = '^' + tok + '$';
      for (let i = 0; i < tok.length; i++) out.push(tok[i] as string);
      for (let i = 0; i + 2 <= padded.length; i++) out.push(padded.slice(i, i + 2));
      for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
      words.push('#c');
    }
  }
  for (const c of conceptFeatures(text)) out.push(c);
  for (let i = 0; i + 1 < words.length; i++) out.push('b:' + words[i] + '_' + words[i + 1]);
  // Short replies ("不", "ok", "算了") carry their meaning in the whole message.
  const compact = text.replace(/[^\p{L}\p{N}]+/gu, '');
  if (compact.length > 0 && compact.length <= 6) out.push('=' + compact);
  const size = cjkChars + words.length;
  out.push(size === 0 ? '#empty' : size <= 2 ? '#len:s' : size <= 6 ? '#len:m' : '#len:l');
  return out;
}
