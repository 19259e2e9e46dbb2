import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n } from 'i18next';
import { LOCALES, type Locale, type MessageRef, type OutboundMessage, type ReplyRef } from '../core/message.js';
import { noteRecipe } from '../core/reply-recipe.js';

export const LOCALES_DIR = fileURLToPath(new URL('../../locales/', import.meta.url));

/** Reads `locales/<locale>/<namespace>.json` into `{ namespace: {...} }` per locale. */
export function readCatalogs(dir = LOCALES_DIR): Record<Locale, Record<string, unknown>> {
  const out = {} as Record<Locale, Record<string, unknown>>;
  for (const locale of LOCALES) {
    const resources: Record<string, unknown> = {};
    for (const file of readdirSync(join(dir, locale))
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      resources[file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(join(dir, locale, file), 'utf8'));
    }
    out[locale] = resources;
  }
  return out;
}

/** The i18next instance behind {@link Catalog}, on its own (tests compare the two). */
export async function loadI18next(dir = LOCALES_DIR): Promise<i18n> {
  const catalogs = readCatalogs(dir);
  const instance = i18next.createInstance();
  await instance.init({
    resources: Object.fromEntries(Object.entries(catalogs).map(([lng, res]) => [lng, { translation: res }])),
    lng: 'zh-CN',
    fallbackLng: 'zh-CN',
    // Params carry user text (names, addresses): the channels escape for their own format.
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}

// Param names i18next reads as options of `t()` (plural forms, context, language, ...): a message
// with one of these is always rendered by i18next itself.
const I18NEXT_OPTIONS = new Set([
  'lng',
  'lngs',
  'fallbackLng',
  'ns',
  'count',
  'ordinal',
  'context',
  'replace',
  'returnObjects',
  'returnDetails',
  'joinArrays',
  'postProcess',
  'interpolation',
  'keySeparator',
  'nsSeparator',
  'skipInterpolation',
  'appendNamespaceToMissingKey',
  'appendNamespaceToCIMode',
  'applyPostProcessor',
  'missingInterpolationHandler',
]);
// Marks where a param goes in a template rendered by i18next; private-use characters appear in
// no catalog.
const MARK = /\uE000(\d+)\uE001/g;
const mark = (i: number): string => `\uE000${i}\uE001`;
const NO_NAMES: readonly string[] = [];
/** Keys and param names are finite; the cap (per locale) only guards against a key made from data. */
const MAX_TEMPLATES = 10_000;

/** A rendered message with holes: literal text and, between, the index of the param that goes there. */
type Template = readonly (string | number)[];

/** Renders message keys in a locale: the one place text is produced for users. */
export class Catalog {
  /**
   * What i18next renders for (locale, key, param names), with the params marked: i18next stays
   * the one that resolves keys, fallbacks and interpolation, once; a turn only fills the holes.
   */
  private readonly templates = new Map<Locale, Map<string, Template>>();

  private constructor(private readonly i18n: i18n) {}

  static async load(dir = LOCALES_DIR): Promise<Catalog> {
    return new Catalog(await loadI18next(dir));
  }

  has(key: string, locale: Locale): boolean {
    return this.i18n.exists(key, { lng: locale, fallbackLng: false });
  }

  text(ref: MessageRef, locale: Locale): string {
    const params = ref.params;
    if (!params) {
      const template = this.template(ref.key, locale, NO_NAMES);
      return template.length === 1 && typeof template[0] === 'string' ? template[0] : this.fill(template, [], {});
    }
    const names = Object.keys(params);
    for (const name of names) {
      const value = params[name];
      // i18next reads these as options; a value with `$t(` is left to i18next's nesting rules.
      if (
        I18NEXT_OPTIONS.has(name) ||
        name.startsWith('defaultValue') ||
        (typeof value === 'string' ? value.includes('$t(') : typeof value !== 'number')
      ) {
        return this.i18n.t(ref.key, { lng: locale, ...params });
      }
    }
    return this.fill(this.template(ref.key, locale, names), names, params);
  }

  private fill(template: Template, names: readonly string[], params: Record<string, string | number>): string {
    let out = '';
    for (const part of template) out += typeof part === 'string' ? part : String(params[names[part]!]);
    return out;
  }

  private template(key: string, locale: Locale, names: readonly string[]): Template {
    const id = names.length === 0 ? key : `${key}\u0000${names.join('\u0000')}`;
    let byId = this.templates.get(locale);
    if (!byId) this.templates.set(locale, (byId = new Map()));
    let template = byId.get(id);
    if (template) return template;
    const marked: Record<string, string> = {};
    names.forEach((name, i) => (marked[name] = mark(i)));
    const rendered = this.i18n.t(key, { lng: locale, ...marked });
    const parts: (string | number)[] = [];
    let at = 0;
    for (const m of rendered.matchAll(MARK)) {
      parts.push(rendered.slice(at, m.index), Number(m[1]));
      at = m.index + m[0].length;
    }
    parts.push(rendered.slice(at));
    template = parts.filter((p) => p !== '');
    if (template.length === 0) template = [''];
    if (byId.size < MAX_TEMPLATES) byId.set(id, template);
    return template;
  }

  render(reply: ReplyRef, locale: Locale): OutboundMessage {
    const out: OutboundMessage = { key: reply.message.key, text: this.text(reply.message, locale) };
    if (reply.message.params) out.params = reply.message.params;
    if (reply.quickReplies?.length) {
      out.quickReplies = reply.quickReplies.map((q) => ({ label: this.text(q.label, locale), value: q.value }));
    }
    // Stores keep the recipe instead of the text (history is most of a conversation's Redis memory).
    noteRecipe(out, reply, locale);
    return out;
  }
}
