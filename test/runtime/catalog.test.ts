import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keysOf } from '../support/catalog-keys.js';
import { LOCALES, type MessageRef } from '../../src/core/message.js';
import { Catalog, loadI18next, readCatalogs } from '../../src/runtime/catalog.js';

// Values a param may carry: user text with look-alikes of template syntax included.
const VALUES: (string | number)[] = ['张三', '', 'a {{name}} b', '$t(root.welcome)', '$& $1 $$', 42, 0, -1.5];

/** Every key of `dir` in every locale, rendered by Catalog and by i18next itself, must be the same text. */
async function expectSameAsI18next(dir: string, extraKeys: string[] = []): Promise<number> {
  const catalog = await Catalog.load(dir);
  const i18n = await loadI18next(dir);
  const catalogs = readCatalogs(dir);
  const keys = new Set([...LOCALES.flatMap((l) => keysOf(catalogs[l])), ...extraKeys]);
  const names = new Set<string>();
  for (const l of LOCALES)
    for (const m of JSON.stringify(catalogs[l]).matchAll(/\{\{-?\s*(\w+)[^}]*\}\}/g)) names.add(m[1]!);
  let compared = 0;
  const same = (ref: MessageRef, locale: (typeof LOCALES)[number]) => {
    // Twice: the second rendering comes from what the first one kept.
    for (let i = 0; i < 2; i++) {
      expect(catalog.text(ref, locale), `${locale} ${JSON.stringify(ref)}`).toBe(
        i18n.t(ref.key, { lng: locale, ...ref.params }),
      );
      compared++;
    }
  };
  for (const key of keys) {
    for (const locale of LOCALES) {
      same({ key }, locale);
      for (const value of VALUES) {
        const all: Record<string, string | number> = {};
        for (const name of names) all[name] = value;
        same({ key, params: all }, locale);
        // Some params missing, one that no message uses.
        const some: Record<string, string | number> = { unused: value };
        [...names].forEach((name, i) => i % 2 === 0 && (some[name] = `${name}:${String(value)}`));
        same({ key, params: some }, locale);
      }
    }
  }
  return compared;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('catalog rendering', () => {
  it('renders every message of the catalogs exactly as i18next does, with and without params', async () => {
    expect(await expectSameAsI18next(join(import.meta.dirname, '../../locales'))).toBeGreaterThan(1000);
  });

  it('keeps i18next fallbacks and template syntax: missing keys, zh-CN fallback, nesting, counts, repeats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-catalog-'));
    dirs.push(dir);
    const files: Record<string, Record<string, unknown>> = {
      'zh-CN': {
        only: '只有中文 {{name}}',
        twice: '{{name}}和{{name}}，{{ n }}',
        raw: '{{- name}}!',
        nested: '前 $t(t.only) 后',
        counted: '共 {{count}} 个',
        counted_other: '共 {{count}} 个（复数）',
        group: { a: '甲', b: 'B {{x}}' },
        adjacent: '{{x}}{{name}}',
      },
      en: { twice: '{{name}} and {{name}}, {{n}}', counted_one: 'one', counted_other: '{{count}} items' },
      'zh-TW': { group: { a: '甲（繁）' } },
    };
    for (const [locale, messages] of Object.entries(files)) {
      mkdirSync(join(dir, locale));
      writeFileSync(join(dir, locale, 't.json'), JSON.stringify(messages));
    }
    await expectSameAsI18next(dir, ['t.missing', 't.group', 'nons']);
    const catalog = await Catalog.load(dir);
    expect(catalog.text({ key: 't.only', params: { name: 'x' } }, 'en')).toBe('只有中文 x');
    expect(catalog.text({ key: 't.counted', params: { count: 1 } }, 'en')).toBe('one');
    expect(catalog.text({ key: 't.counted', params: { count: 3 } }, 'en')).toBe('3 items');
  });
});
