import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n } from 'i18next';
import { LOCALES, type Locale, type MessageRef, type OutboundMessage, type ReplyRef } from '../core/message.js';

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

/** Renders message keys in a locale: the one place text is produced for users. */
export class Catalog {
  private constructor(private readonly i18n: i18n) {}

  static async load(dir = LOCALES_DIR): Promise<Catalog> {
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
    return new Catalog(instance);
  }

  has(key: string, locale: Locale): boolean {
    return this.i18n.exists(key, { lng: locale, fallbackLng: false });
  }

  text(ref: MessageRef, locale: Locale): string {
    return this.i18n.t(ref.key, { lng: locale, ...ref.params });
  }

  render(reply: ReplyRef, locale: Locale): OutboundMessage {
    const out: OutboundMessage = { key: reply.message.key, text: this.text(reply.message, locale) };
    if (reply.message.params) out.params = reply.message.params;
    if (reply.quickReplies?.length) {
      out.quickReplies = reply.quickReplies.map((q) => ({ label: this.text(q.label, locale), value: q.value }));
    }
    return out;
  }
}
