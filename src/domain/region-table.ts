import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { findCity } from './address.js';
import { DomainError, ERROR_CODES } from './errors.js';

/** A business hall (营业厅) where cross-region service can be handled in person. */
export interface BusinessHall {
  /** Canonical city name, as in `PROVINCES` (北京市, 深圳市). */
  city: string;
  name: string;
  address: string;
  phone: string;
  /** Free text as shown to users, e.g. `09:00-18:00`; halls keep their own hours (SERVICE_PROCESS.md §2). */
  hours: { weekdays: string; weekends: string };
}

/** The halls the bot can point users to; operators replace the sample with their own JSON file. */
export type RegionTable = readonly BusinessHall[];

const STANDARD = { weekdays: '09:00-18:00', weekends: '09:30-17:00' };
const HALF_WEEKEND = { weekdays: '08:30-18:00', weekends: '10:00-16:00' };

/**
 * Sample data for trying kefu out: the hall names, addresses and phone numbers are
 * invented (only the area codes are real) and must not be shown to real customers.
 */
export const SAMPLE_REGION_TABLE: RegionTable = [
  {
    city: '北京市',
    name: '东城区王府井营业厅',
    address: '北京市东城区王府井大街218号',
    phone: '010-65121880',
    hours: STANDARD,
  },
  {
    city: '北京市',
    name: '朝阳区建国门外营业厅',
    address: '北京市朝阳区建国门外大街甲6号',
    phone: '010-85693310',
    hours: HALF_WEEKEND,
  },
  {
    city: '北京市',
    name: '海淀区中关村营业厅',
    address: '北京市海淀区中关村大街27号',
    phone: '010-62568802',
    hours: STANDARD,
  },
  {
    city: '上海市',
    name: '黄浦区南京东路营业厅',
    address: '上海市黄浦区南京东路588号',
    phone: '021-63517720',
    hours: STANDARD,
  },
  {
    city: '上海市',
    name: '浦东新区陆家嘴营业厅',
    address: '上海市浦东新区世纪大道1168号',
    phone: '021-58306615',
    hours: HALF_WEEKEND,
  },
  {
    city: '天津市',
    name: '和平区滨江道营业厅',
    address: '天津市和平区滨江道203号',
    phone: '022-27306450',
    hours: STANDARD,
  },
  {
    city: '重庆市',
    name: '渝中区解放碑营业厅',
    address: '重庆市渝中区民权路56号',
    phone: '023-63712290',
    hours: STANDARD,
  },
  {
    city: '重庆市',
    name: '江北区观音桥营业厅',
    address: '重庆市江北区建新北路16号',
    phone: '023-67751208',
    hours: HALF_WEEKEND,
  },
  {
    city: '广州市',
    name: '天河区体育西营业厅',
    address: '广州市天河区体育西路103号',
    phone: '020-38862017',
    hours: STANDARD,
  },
  {
    city: '广州市',
    name: '越秀区北京路营业厅',
    address: '广州市越秀区北京路328号',
    phone: '020-83326645',
    hours: HALF_WEEKEND,
  },
  {
    city: '深圳市',
    name: '福田区深南中路营业厅',
    address: '深圳市福田区深南中路3024号',
    phone: '0755-83651190',
    hours: STANDARD,
  },
  {
    city: '深圳市',
    name: '南山区科技园营业厅',
    address: '深圳市南山区科苑南路2666号',
    phone: '0755-86152273',
    hours: HALF_WEEKEND,
  },
  {
    city: '杭州市',
    name: '上城区延安路营业厅',
    address: '杭州市上城区延安路258号',
    phone: '0571-87063350',
    hours: STANDARD,
  },
  {
    city: '南京市',
    name: '玄武区新街口营业厅',
    address: '南京市玄武区中山路88号',
    phone: '025-84712266',
    hours: STANDARD,
  },
  {
    city: '苏州市',
    name: '姑苏区观前街营业厅',
    address: '苏州市姑苏区人民路1058号',
    phone: '0512-65223901',
    hours: STANDARD,
  },
  {
    city: '苏州市',
    name: '工业园区湖西营业厅',
    address: '苏州市工业园区苏州大道西118号',
    phone: '0512-62887215',
    hours: HALF_WEEKEND,
  },
  {
    city: '成都市',
    name: '锦江区春熙路营业厅',
    address: '成都市锦江区总府路31号',
    phone: '028-86673408',
    hours: STANDARD,
  },
  {
    city: '成都市',
    name: '高新区天府大道营业厅',
    address: '成都市高新区天府大道北段966号',
    phone: '028-85339126',
    hours: HALF_WEEKEND,
  },
  {
    city: '武汉市',
    name: '江汉区解放大道营业厅',
    address: '武汉市江汉区解放大道690号',
    phone: '027-85761133',
    hours: STANDARD,
  },
  {
    city: '西安市',
    name: '碑林区钟楼营业厅',
    address: '西安市碑林区东大街155号',
    phone: '029-87216640',
    hours: STANDARD,
  },
  {
    city: '长沙市',
    name: '芙蓉区五一大道营业厅',
    address: '长沙市芙蓉区五一大道389号',
    phone: '0731-84428817',
    hours: STANDARD,
  },
  {
    city: '郑州市',
    name: '金水区花园路营业厅',
    address: '郑州市金水区花园路126号',
    phone: '0371-65950372',
    hours: STANDARD,
  },
];

const hallSchema = z.object({
  city: z.string().min(1),
  name: z.string().min(1),
  address: z.string().min(1),
  phone: z.string().regex(/^\+?[0-9][0-9 ()-]{3,19}$/, 'expected a phone number'),
  hours: z.object({ weekdays: z.string().min(1), weekends: z.string().min(1) }),
});

function invalid(message: string, cause?: unknown): DomainError {
  return new DomainError(ERROR_CODES.INVALID_REGION_TABLE, message, 'shape', { cause });
}

/** Checks a parsed JSON value and returns it as a table with canonical city names; throws a {@link DomainError} naming the bad entry. */
export function parseRegionTable(json: unknown, source = 'region table'): RegionTable {
  // A bare array, or an object with `halls` so that the file can grow other fields later.
  const entries: unknown = Array.isArray(json) ? json : (json as { halls?: unknown } | null)?.halls;
  if (!Array.isArray(entries)) throw invalid(`${source}: expected an array of halls or {"halls": [...]}`);
  const parsed = z.array(hallSchema).safeParse(entries);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [index, ...field] = issue?.path ?? [];
    const name = typeof index === 'number' ? (entries[index] as { name?: unknown } | null)?.name : undefined;
    const where = typeof index === 'number' ? ` entry ${index}${typeof name === 'string' ? ` (${name})` : ''}` : '';
    throw invalid(
      `${source}${where}: ${field.map(String).join('.') || 'value'}: ${issue?.message ?? 'invalid'}`,
      parsed.error,
    );
  }
  const halls = parsed.data;
  return halls.map((hall, index) => {
    const city = findCity(hall.city);
    if (!city) throw invalid(`${source} entry ${index} (${hall.name}): unknown or ambiguous city "${hall.city}"`);
    return { ...hall, city: city.name };
  });
}

/**
 * Reads the business-hall table from a JSON file (read once at start-up, hence sync),
 * or returns the sample table when no path is given.
 */
export function loadRegionTable(jsonPath?: string): RegionTable {
  if (jsonPath === undefined) return SAMPLE_REGION_TABLE;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (err) {
    throw invalid(`cannot read region table ${jsonPath}: ${(err as Error).message}`, err);
  }
  return parseRegionTable(json, jsonPath);
}

/** The halls of a city, however the city is written (深圳, 深圳市, Shenzhen, 臺北). */
export function hallsForCity(table: RegionTable, cityName: string): BusinessHall[] {
  const canonical = findCity(cityName)?.name ?? cityName.trim();
  return table.filter((hall) => hall.city === canonical);
}
