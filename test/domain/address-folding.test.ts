import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../src/domain/address.js';

// Folding (full-width, upper case, traditional, Ü) keeps offsets, so the detail is cut from what
// the user wrote; English names are whole words at either end of the text.
describe('address folding', () => {
  it.each([
    ['ＳＨＥＮＺＨＥＮ　南山区', '广东省', '深圳市', '南山区'],
    ['SHANGHAI Pudong', '上海市', '上海市', 'Pudong'],
    ['XIAN, Shaanxi', '陕西省', '西安市', ''],
    ['xianyang', '陕西省', '咸阳市', ''],
    ['Nanshan District, Shenzhen City, Guangdong Province', '广东省', '深圳市', 'Nanshan District'],
    ['臺北市信義區', '台湾省', '台北市', '信義區'],
    ['１２３号 深圳', '广东省', '深圳市', '１２３号'],
    ['ÜRÜMQI', '新疆维吾尔自治区', '乌鲁木齐市', ''],
  ])('%s', (text, province, city, detail) => {
    const r = parseAddress(text);
    expect([r.province?.name, r.city?.name, r.detail]).toEqual([province, city, detail]);
  });

  it('names no place in words without one, and trims separators off the detail', () => {
    expect(parseAddress('，、 你好，我想问一下 ；')).toEqual({ detail: '你好，我想问一下' });
  });
});
