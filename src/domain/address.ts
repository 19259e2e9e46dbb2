import {
  CITIES,
  PROVINCES,
  SIMPLIFIED_CHARS,
  TRADITIONAL_CHARS,
  provinceOf,
  type City,
  type Province,
} from './regions.js';

export { PROVINCES, CITIES, type City, type Province } from './regions.js';

/** Province and city found in a free-text address, and what is left of it. */
export interface ParsedAddress {
  province?: Province;
  city?: City;
  /** The address without the province and city names that were recognized. */
  detail: string;
  /** Set when a city name fits several cities and nothing said which: ask the user. */
  ambiguous?: readonly City[];
}

/** Why an address was refused. */
export type AddressReason = 'no_province' | 'no_city' | 'ambiguous_city' | 'too_short';

/** The outcome of {@link checkAddress}. */
export type AddressCheck =
  | { ok: true; province: Province; city: City; detail: string }
  | { ok: false; reason: AddressReason; province?: Province; candidates?: readonly City[] };

interface Entry {
  province?: Province;
  city?: City;
}
interface Mention {
  start: number;
  end: number;
  provinces: readonly Province[];
  cities: readonly City[];
  full: boolean;
}

const SIMPLIFY = new Map([...TRADITIONAL_CHARS].map((c, i) => [c, SIMPLIFIED_CHARS.charAt(i)]));
const LATIN_FOLD: Record<string, string> = { ü: 'u', ê: 'e', '’': "'", '‘': "'" };

// One UTF-16 unit in, one out: match offsets in the folded text are offsets in the input,
// so the detail can be cut from what the user actually wrote.
function foldUnit(unit: string): string {
  const code = unit.charCodeAt(0);
  let c = code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : unit;
  c = SIMPLIFY.get(c) ?? c;
  const lower = c.toLowerCase();
  c = lower.length === 1 ? lower : c;
  return LATIN_FOLD[c] ?? c;
}

// foldUnit of every UTF-16 unit, worked out on first sight (-1: not yet).
const FOLDED_UNIT = new Int32Array(0x10000).fill(-1);
function foldedUnit(code: number): number {
  let f = FOLDED_UNIT[code]!;
  if (f < 0) FOLDED_UNIT[code] = f = foldUnit(String.fromCharCode(code)).charCodeAt(0);
  return f;
}

function fold(text: string): string {
  let i = 0;
  // Most text (simplified Chinese, lower case, digits) folds to itself: no new string then.
  while (i < text.length && foldedUnit(text.charCodeAt(i)) === text.charCodeAt(i)) i++;
  if (i === text.length) return text;
  let out = text.slice(0, i);
  for (; i < text.length; i++) out += String.fromCharCode(foldedUnit(text.charCodeAt(i)));
  return out;
}

const isLatinCode = (c: number): boolean => c >= 0x61 && c <= 0x7a;
/** The unit at `i` is a-z (false outside the text). */
const isLatinAt = (s: string, i: number): boolean => i >= 0 && i < s.length && isLatinCode(s.charCodeAt(i));

// Keys by their first character, longest first, so the scan takes the longest name at a
// position (吉林省 before 吉林, 海南藏族自治州 before 海南).
const INDEX = new Map<string, string[]>();
const ENTRIES = new Map<string, Entry[]>();
const FULL_NAMES = new Set<string>();

function addKey(name: string, entry: Entry, full = false): void {
  const variants = [fold(name)];
  if (variants[0]?.includes("'")) variants.push(variants[0].replaceAll("'", ''));
  for (const key of variants) {
    if (full) FULL_NAMES.add(key);
    const list = ENTRIES.get(key) ?? [];
    // Spellings that fold together (Ürümqi, Urumqi) must not make a city look ambiguous.
    if (list.some((e) => e.province === entry.province && e.city === entry.city)) continue;
    list.push(entry);
    ENTRIES.set(key, list);
    const first = key.charAt(0);
    const keys = INDEX.get(first) ?? [];
    if (!keys.includes(key)) keys.push(key);
    INDEX.set(first, keys);
  }
}
for (const p of PROVINCES) {
  addKey(p.name, { province: p }, true);
  for (const n of [p.short, p.en, ...p.aliases]) addKey(n, { province: p });
}
for (const c of CITIES) {
  addKey(c.name, { city: c }, true);
  for (const n of [c.short, c.en, ...c.aliases]) addKey(n, { city: c });
}
for (const keys of INDEX.values()) keys.sort((a, b) => b.length - a.length);

/** A name as the scan tries it, with what it names worked out once. */
interface Key {
  key: string;
  latin: boolean;
  full: boolean;
  provinces: readonly Province[];
  cities: readonly City[];
}
// INDEX by the first UTF-16 unit's code, longest first as there.
const KEYS_BY_FIRST = new Map<number, Key[]>();
for (const [first, keys] of INDEX) {
  KEYS_BY_FIRST.set(
    first.charCodeAt(0),
    keys.map((key) => {
      const entries = ENTRIES.get(key) ?? [];
      return {
        key,
        latin: isLatinCode(key.charCodeAt(0)),
        full: FULL_NAMES.has(key),
        provinces: entries.flatMap((e) => (e.province ? [e.province] : [])),
        cities: entries.flatMap((e) => (e.city ? [e.city] : [])),
      };
    }),
  );
}

// A short name followed by one of these is a street or district named after the place
// (广州市北京路, 北京市朝阳区), not the place itself.
const STREET_AFTER = new Set([...'路街道巷区县镇乡村弄桥里']);
const EN_SUFFIX = /^\s*(?:province|city|shi|sheng|prefecture|league|municipality|autonomous region|sar)\b/;

function scan(folded: string): Mention[] {
  const mentions: Mention[] = [];
  let i = 0;
  while (i < folded.length) {
    let found: Key | undefined;
    for (const k of KEYS_BY_FIRST.get(folded.charCodeAt(i)) ?? NO_KEYS) {
      // English names must be whole words: "Xian" is not in "Xianyang".
      if (
        folded.startsWith(k.key, i) &&
        !(k.latin && (isLatinAt(folded, i - 1) || isLatinAt(folded, i + k.key.length)))
      ) {
        found = k;
        break;
      }
    }
    if (found === undefined) {
      i++;
      continue;
    }
    let end = i + found.key.length;
    if (!found.full && !found.latin && STREET_AFTER.has(folded.charAt(end))) {
      i = end;
      continue;
    }
    if (found.latin) end += EN_SUFFIX.exec(folded.slice(end))?.[0].length ?? 0;
    mentions.push({ start: i, end, provinces: found.provinces, cities: found.cities, full: found.full });
    i = end;
  }
  return mentions;
}
const NO_KEYS: readonly Key[] = [];

function cutDetail(text: string, used: readonly Mention[]): string {
  let out = '';
  let at = 0;
  for (const m of [...used].sort((a, b) => a.start - b.start)) {
    if (m.start >= at) out += text.slice(at, m.start);
    at = Math.max(at, m.end);
  }
  out += text.slice(at);
  return out.replace(/\s*([,，、;；])(?:\s*[,，、;；])+/g, '$1').replace(/^[\s,，、;；:：]+|[\s,，、;；:：]+$/g, '');
}

/** The province and city a scan's mentions settle on, and the mentions that named them. */
interface Resolved {
  province?: Province;
  city?: City;
  /** Several cities of that name and nothing said which. */
  ambiguous?: readonly City[];
  used: readonly Mention[];
}
const NOTHING: Resolved = { used: [] };

// A city named by the same word as a province (吉林, 海南) counts only when its province is
// named elsewhere, or is a municipality or SAR, whose one city is itself.
const namedElsewhere = (mentions: readonly Mention[], c: City, m: Mention): boolean =>
  mentions.some((o) => o !== m && o.provinces.includes(provinceOf(c))) || provinceOf(c).cities.length === 1;

function resolve(mentions: readonly Mention[]): Resolved {
  if (mentions.length === 0) return NOTHING;
  const named = new Set(mentions.flatMap((m) => m.provinces));
  const byStrength = [...mentions].sort((a, b) => Number(b.full) - Number(a.full) || a.start - b.start);

  if (named.size > 0) {
    for (const weak of [false, true]) {
      for (const m of byStrength) {
        if (m.provinces.length > 0 !== weak) continue;
        const city = m.cities.find((c) => named.has(provinceOf(c)) && (!weak || namedElsewhere(mentions, c, m)));
        if (!city) continue;
        const province = provinceOf(city);
        return { province, city, used: mentions.filter((o) => o === m || o.provinces.includes(province)) };
      }
    }
    const province = mentions.find((m) => m.provinces.length > 0)?.provinces[0] as Province;
    const used = mentions.filter((o) => o.provinces.includes(province));
    const only = province.cities.length === 1 ? province.cities[0] : undefined;
    return only ? { province, city: only, used } : { province, used };
  }

  const first = byStrength.find((m) => m.cities.length > 0);
  if (!first) return NOTHING;
  const [city, ...others] = first.cities;
  if (!city || others.length > 0) return { ambiguous: first.cities, used: [first] };
  return { province: provinceOf(city), city, used: [first] };
}

/**
 * Finds the province and city in a free-text address written in simplified or traditional
 * Chinese or in English. A city alone implies its province; when a province is named, only
 * its cities count, so 北京市朝阳区 is Beijing and not 朝阳 in Liaoning.
 */
export function parseAddress(text: string): ParsedAddress {
  const { province, city, ambiguous, used } = resolve(scan(fold(text)));
  const detail = cutDetail(text, used);
  if (ambiguous) return { detail, ambiguous };
  if (!province) return { detail };
  return city ? { province, city, detail } : { province, detail };
}

/** The province and city {@link parseAddress} finds in `text`, without working out the detail. */
export function findPlace(text: string): { province?: Province; city?: City } {
  const { province, city } = resolve(scan(fold(text)));
  const place: { province?: Province; city?: City } = {};
  if (province) place.province = province;
  if (city) place.city = city;
  return place;
}

/** True when `text` names a province or city anywhere (then {@link parseAddress} finds one, or an ambiguous city). */
export function namesPlace(text: string): boolean {
  return scan(fold(text)).length > 0;
}

// The shortest street-level part a service address may have (e.g. 南山区, 1号): without
// it the operator cannot send anyone.
const MIN_DETAIL = 2;

/** Validates a service address: province, city and a street-level part must all be there. */
export function checkAddress(text: string): AddressCheck {
  const { province, city, detail, ambiguous } = parseAddress(text);
  if (ambiguous) return { ok: false, reason: 'ambiguous_city', candidates: ambiguous };
  if (!province) return { ok: false, reason: 'no_province' };
  if (!city) return { ok: false, reason: 'no_city', province };
  if ([...detail].length < MIN_DETAIL) return { ok: false, reason: 'too_short', province };
  return { ok: true, province, city, detail };
}

/** The province called `name` (full, short, English, traditional), or undefined. */
export function findProvince(name: string): Province | undefined {
  return ENTRIES.get(fold(name.trim()))?.find((e) => e.province)?.province;
}

/** Every city called `name`: more than one when the name is ambiguous (Suzhou, Fuzhou). */
export function findCities(name: string): City[] {
  return (ENTRIES.get(fold(name.trim())) ?? []).flatMap((e) => (e.city ? [e.city] : []));
}

/** The one city called `name` (full, short, English, traditional), or undefined when none or several are. */
export function findCity(name: string): City | undefined {
  const found = findCities(name);
  return found.length === 1 ? found[0] : undefined;
}
