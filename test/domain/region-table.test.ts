import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCity } from '../../src/domain/address.js';
import { DomainError } from '../../src/domain/errors.js';
import { hallsForCity, loadRegionTable, parseRegionTable, SAMPLE_REGION_TABLE } from '../../src/domain/region-table.js';

const dir = mkdtempSync(join(tmpdir(), 'kefu-region-'));
function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}
const hall = {
  city: '深圳',
  name: '测试营业厅',
  address: '深圳市福田区测试路1号',
  phone: '0755-12345678',
  hours: { weekdays: '09:00-18:00', weekends: '休息' },
};

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('region table', () => {
  it('has sample halls for at least 12 cities, 1 to 3 each, with canonical city names', () => {
    const cities = new Set(SAMPLE_REGION_TABLE.map((h) => h.city));
    expect(cities.size).toBeGreaterThanOrEqual(12);
    for (const city of cities) {
      expect(findCity(city)?.name).toBe(city);
      expect(hallsForCity(SAMPLE_REGION_TABLE, city).length).toBeGreaterThanOrEqual(1);
      expect(hallsForCity(SAMPLE_REGION_TABLE, city).length).toBeLessThanOrEqual(3);
    }
    expect(parseRegionTable(SAMPLE_REGION_TABLE)).toEqual(SAMPLE_REGION_TABLE);
  });

  it('finds halls however the city is written', () => {
    for (const name of ['深圳', '深圳市', 'Shenzhen', ' shenzhen ']) {
      expect(hallsForCity(SAMPLE_REGION_TABLE, name).map((h) => h.city)).toEqual(['深圳市', '深圳市']);
    }
    expect(hallsForCity(SAMPLE_REGION_TABLE, '北京')).toHaveLength(3);
    expect(hallsForCity(SAMPLE_REGION_TABLE, '拉萨')).toEqual([]);
    expect(hallsForCity(SAMPLE_REGION_TABLE, '不存在')).toEqual([]);
  });

  it('returns the sample without a path', () => {
    expect(loadRegionTable()).toBe(SAMPLE_REGION_TABLE);
  });

  it('loads a file, as an array or under "halls", with canonical city names', () => {
    expect(loadRegionTable(writeJson('a.json', [hall]))).toEqual([{ ...hall, city: '深圳市' }]);
    expect(loadRegionTable(writeJson('b.json', { halls: [hall] }))[0]?.city).toBe('深圳市');
  });

  it('names the bad entry and field', () => {
    const err = thrown(() =>
      loadRegionTable(writeJson('c.json', [hall, { ...hall, name: '坏营业厅', phone: 'call us' }])),
    );
    expect(err.code).toBe('KEFU_INVALID_REGION_TABLE');
    expect(err.message).toContain('entry 1 (坏营业厅)');
    expect(err.message).toContain('phone');
  });

  it('refuses a missing field, an unknown city, an ambiguous city and unreadable JSON', () => {
    const { hours: _hours, ...noHours } = hall;
    expect(thrown(() => loadRegionTable(writeJson('d.json', [noHours]))).message).toContain(
      'entry 0 (测试营业厅): hours',
    );
    expect(thrown(() => loadRegionTable(writeJson('e.json', [{ ...hall, city: '火星市' }]))).message).toContain(
      '火星市',
    );
    expect(thrown(() => loadRegionTable(writeJson('f.json', [{ ...hall, city: 'Suzhou' }]))).message).toContain(
      'ambiguous',
    );
    expect(thrown(() => loadRegionTable(writeJson('g.json', '{ not json'))).code).toBe('KEFU_INVALID_REGION_TABLE');
    expect(thrown(() => loadRegionTable(join(dir, 'missing.json'))).message).toContain('missing.json');
  });
});
