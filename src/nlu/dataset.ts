import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INTENTS, type Intent } from '../core/nlu.js';

/** One line of data/nlu/train.jsonl or test.jsonl. */
export interface LabelledUtterance {
  text: string;
  intent: Intent;
  locale: string;
}

/** Absolute path of a file in data/nlu/, wherever the process was started from. */
export function dataPath(name: string): string {
  return fileURLToPath(new URL(`../../data/nlu/${name}`, import.meta.url));
}

/** Reads a labelled JSON-lines file; a bad line is a programming error in the data, so it throws. */
export function readIntentFile(path: string): LabelledUtterance[] {
  const intents = new Set<string>(INTENTS);
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const row = JSON.parse(line) as Partial<LabelledUtterance>;
      if (typeof row.text !== 'string' || typeof row.intent !== 'string' || !intents.has(row.intent)) {
        throw new Error(`${path}:${i + 1}: expected {"text","intent","locale"} with a known intent`);
      }
      return { text: row.text, intent: row.intent as Intent, locale: row.locale ?? 'zh-CN' };
    });
}
