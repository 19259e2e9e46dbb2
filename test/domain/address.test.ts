import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { checkAddress, findCities, findCity, findProvince, parseAddress, PROVINCES } from '../../src/domain/address.js';
import { TRADITIONAL_CHARS } from '../../src/domain/regions.js';

const everyCity = PROVINCES.flatMap((p) => p.cities.map((c) => ({ p, c })));
const toTaiwan = OpenCC.Converter({ from: 'cn', to: 'tw' });
const toHongKong = OpenCC.Converter({ from: 'cn', to: 'hk' });

// Characters that are in no place name and end no short name as a street would (路, 区...).
const safeText = fc.string({ unit: fc.constantFrom(...'0123456789号楼室栋层单元# -,'), maxLength: 12 });

function expectPlace(text: string, province: string, city: string | undefined): void {
  const r = parseAddress(text);
  expect(r.province?.name, text).toBe(province);
  expect(r.city?.name, text).toBe(city);
}

describe('region data', () => {
  it('has the 34 provincial-level divisions, by kind', () => {
    expect(PROVINCES).toHaveLength(34);
    const kinds = PROVINCES.map((p) => p.kind);
    expect(kinds.filter((k) => k === 'province')).toHaveLength(23);
    expect(kinds.filter((k) => k === 'autonomous_region')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'municipality')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'sar')).toHaveLength(2);
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(34);
  });

  it('has the 333 prefecture-level divisions of the mainland provinces and regions', () => {
    const mainland = PROVINCES.filter((p) => p.kind === 'province' || p.kind === 'autonomous_region').filter(
      (p) => p.code !== '71',
    );
    expect(mainland.flatMap((p) => p.cities)).toHaveLength(333);
  });

  it('gives every city a name, short name and English name, and municipalities themselves', () => {
    for (const { p, c } of everyCity) {
      expect(c.provinceCode).toBe(p.code);
      expect(c.name.startsWith(c.short), c.name).toBe(true);
      expect(c.en).toMatch(/^[A-Z][A-Za-z' ]+$/);
    }
    for (const p of PROVINCES.filter((x) => x.kind === 'municipality' || x.kind === 'sar')) {
      expect(p.cities.map((c) => c.name)).toEqual([p.name]);
    }
  });

  it('has short names as people say them', () => {
    expect(findProvince('广西壮族自治区')?.short).toBe('广西');
    expect(findProvince('内蒙古')?.name).toBe('内蒙古自治区');
    expect(findProvince('新疆')?.name).toBe('新疆维吾尔自治区');
    expect(findProvince('广东')?.en).toBe('Guangdong');
    expect(findProvince('台湾')?.name).toBe('台湾省');
  });

  it('never maps a simplified name character through the traditional table', () => {
    const used = new Set(everyCity.flatMap(({ p, c }) => [...p.name, ...p.short, ...c.name, ...c.short]));
    expect([...TRADITIONAL_CHARS].filter((ch) => used.has(ch))).toEqual([]);
  });
});

describe('parseAddress', () => {
  it.each([
    ['深圳市南山区科技园', '广东省', '深圳市', '南山区科技园'],
    ['北京市朝阳区', '北京市', '北京市', '朝阳区'],
    ['广东省深圳市南山区', '广东省', '深圳市', '南山区'],
    ['Shenzhen, Guangdong', '广东省', '深圳市', ''],
    [
      'No. 1 Keji Road, Nanshan District, Shenzhen City, Guangdong Province',
      '广东省',
      '深圳市',
      'No. 1 Keji Road, Nanshan District',
    ],
    ['廣東省深圳市福田區', '广东省', '深圳市', '福田區'],
    ['臺灣台北市信義區', '台湾省', '台北市', '信義區'],
    ['台灣高雄市', '台湾省', '高雄市', ''],
    ['瀋陽市和平區', '辽宁省', '沈阳市', '和平區'],
    ['香港九龍彌敦道', '香港特别行政区', '香港特别行政区', '九龍彌敦道'],
    ['上海浦东新区张江路', '上海市', '上海市', '浦东新区张江路'],
    ['辽宁省朝阳市双塔区', '辽宁省', '朝阳市', '双塔区'],
    ['广州市北京路100号', '广东省', '广州市', '北京路100号'],
    ['吉林长春', '吉林省', '长春市', ''],
    ['吉林省吉林市船营区', '吉林省', '吉林市', '船营区'],
    ['青海海南州共和县', '青海省', '海南藏族自治州', '共和县'],
    ['海南省海口市', '海南省', '海口市', ''],
    ['延边州延吉市', '吉林省', '延边朝鲜族自治州', '延吉市'],
    ["Xi'an", '陕西省', '西安市', ''],
    ['Xianyang', '陕西省', '咸阳市', ''],
    ['Suzhou, Anhui', '安徽省', '宿州市', ''],
    ['Ürümqi', '新疆维吾尔自治区', '乌鲁木齐市', ''],
  ])('%s', (text, province, city, detail) => {
    const r = parseAddress(text);
    expect([r.province?.name, r.city?.name, r.detail]).toEqual([province, city, detail]);
  });

  it('finds only the province when no city of it is named', () => {
    expectPlace('吉林', '吉林省', undefined);
    expectPlace('海南', '海南省', undefined);
    expectPlace('广东省杭州市', '广东省', undefined);
  });

  it('does not choose silently between cities of the same name', () => {
    const r = parseAddress('Suzhou Industrial Park');
    expect(r.city).toBeUndefined();
    expect(r.ambiguous?.map((c) => c.name).sort()).toEqual(['宿州市', '苏州市']);
    expectPlace('Suzhou, Jiangsu', '江苏省', '苏州市');
    expect(findCity('Suzhou')).toBeUndefined();
    expect(findCities('Fuzhou')).toHaveLength(2);
    expect(findCity('深圳')?.name).toBe('深圳市');
  });

  it('property: finds every city by its full name in surrounding text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...everyCity), safeText, safeText, ({ p, c }, before, after) => {
        expectPlace(before + c.name + after, p.name, c.name);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds every city by province and short name, in English and in traditional characters', () => {
    for (const { p, c } of everyCity) {
      expectPlace(`${p.name}${c.short}1号`, p.name, c.name);
      expectPlace(`12 Some Road, ${c.en}, ${p.en}`, p.name, c.name);
      expectPlace(toTaiwan(p.name + c.name), p.name, c.name);
      expectPlace(toHongKong(p.short + c.name), p.name, c.name);
    }
  });

  it('property: never throws, and the detail is never longer than the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'grapheme' }),
          fc.string({ unit: fc.constantFrom(...'北京广东深圳市省吉林海南Suzhou, ') }),
        ),
        (text) => {
          expect(parseAddress(text).detail.length).toBeLessThanOrEqual(text.length);
          checkAddress(text);
        },
      ),
    );
  });
});

describe('checkAddress', () => {
  it.each([
    ['你好', 'no_province'],
    ['广东省', 'no_city'],
    ['深圳', 'too_short'],
    ['Suzhou 1 Renmin Road', 'ambiguous_city'],
  ] as const)('refuses %s as %s', (text, reason) => {
    expect(checkAddress(text)).toMatchObject({ ok: false, reason });
  });

  it('accepts a full address', () => {
    const r = checkAddress('广东省深圳市南山区科苑南路1号');
    expect(r.ok && [r.province.short, r.city.short, r.detail]).toEqual(['广东', '深圳', '南山区科苑南路1号']);
  });
});
