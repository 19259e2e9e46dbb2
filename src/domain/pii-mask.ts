import type { TranscriptLine } from '../core/ports.js';

// Masks personal data inside free text (log lines, previews): resident ID numbers, unified
// social credit codes, mobile numbers. Shapes are matched without check digits on purpose:
// a mistyped ID is still personal data.
const ID_NUMBER = /(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])/g;
const CREDIT_CODE =
  /(?<![0-9A-Za-z])([0-9A-HJ-NP-RTUWXY]{2}\d{6})[0-9A-HJ-NP-RTUWXY]{9}([0-9A-HJ-NP-RTUWXY])(?![0-9A-Za-z])/g;
const MOBILE = /(?<!\d)((?:\+?86[ -]?)?1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?!\d)/g;

// Each shape above has four digits in a row somewhere: text without them has nothing to mask.
const FOUR_DIGITS = /\d{4}/;

/** Replace personal data in `text` with masked forms (`110105********1237`, `138****5678`). */
export function maskPersonalData(text: string): string {
  if (!FOUR_DIGITS.test(text)) return text;
  return text
    .replace(ID_NUMBER, (_m, head: string, tail: string) => `${head}********${tail.slice(-4)}`)
    .replace(CREDIT_CODE, (_m, head: string, tail: string) => `${head.slice(0, 4)}*************${tail}`)
    .replace(MOBILE, (_m, head: string, tail: string) => `${head}****${tail}`);
}

/** A transcript line as stores keep it: its text masked, nothing else copied by spreading. */
export function maskedLine(line: TranscriptLine): TranscriptLine {
  const out: TranscriptLine = { from: line.from, text: maskPersonalData(line.text), at: line.at };
  if (line.agent !== undefined) out.agent = line.agent;
  return out;
}

/** Deep copy of `value` with every string masked; for structured log fields. */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}
