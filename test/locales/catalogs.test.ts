import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/core/message.js';
import { readCatalogs } from '../../src/runtime/catalog.js';

function flatten(tree: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    if (value !== null && typeof value === 'object')
      for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
    else out.set(`${prefix}${key}`, String(value));
  }
  return out;
}

const params = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  const catalogs = readCatalogs();
  const flat = Object.fromEntries(LOCALES.map((l) => [l, flatten(catalogs[l])]));
  const reference = flat['zh-CN']!;

  it.each(LOCALES.filter((l) => l !== 'zh-CN'))('%s has exactly the keys of zh-CN', (locale) => {
    expect([...flat[locale]!.keys()].sort()).toEqual([...reference.keys()].sort());
  });

  it.each(LOCALES)('%s has no empty message and the same {{params}} as zh-CN', (locale) => {
    for (const [key, text] of flat[locale]!) {
      expect(text.trim(), key).not.toBe('');
      expect(params(text), key).toEqual(params(reference.get(key) ?? ''));
    }
  });

  it('zh-TW is written in traditional characters', () => {
    const simplifiedOnly = /[们这个么说请问谢业务异关开办营厅号码讯为时间后]/;
    const offenders = [...flat['zh-TW']!].filter(([, text]) => simplifiedOnly.test(text)).map(([key]) => key);
    expect(offenders).toEqual([]);
  });
});
