import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import type { Kefu } from '../../src/main.js';
import { testKefu, uniqueUser } from '../support/kefu.js';

const ID = '11010519491231002X';
const ID2 = '44030519900101123X';
const CREDIT = '91350100M000100Y43';
const PHONE = '13812345678';
const PHONE2 = '13912345678';
const CONVERSATIONS = [
  [`我要申请异地服务，个人，身份证${ID}，手机${PHONE}，地址北京市朝阳区建国路88号`, '张三', '同意'],
  [
    '申请异地服务',
    `企业，公司名称深圳市腾飞科技有限公司，信用代码${CREDIT}，法人身份证${ID}，经办人李四，身份证${ID2}，手机${PHONE2}，地址广东省深圳市南山区科技园1号`,
    '同意',
  ],
  ['上个月话费多扣了50元', PHONE],
  [
    `我的身份证是${ID}，号码${PHONE}，帮我查一下`,
    '转人工',
    `电话 ${PHONE.slice(0, 3)} ${PHONE.slice(3, 7)} ${PHONE.slice(7)}`,
  ],
];

let lines = '';
let kefu: Kefu;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines += chunk.toString();
      done();
    },
  });
  kefu = await testKefu({ REDIS_URL: inject('redisUrl'), LOG_LEVEL: 'trace' }, { logger: createLogger('trace', sink) });
});

afterAll(async () => kefu.close());

describe('personal data in logs', () => {
  it('no whole ID number, phone or credit code in any log line of whole conversations', async () => {
    for (const conversation of CONVERSATIONS) {
      const userId = uniqueUser('logs');
      for (const text of conversation) {
        const res = await kefu.app.inject({ method: 'POST', url: '/api/web/messages', payload: { userId, text } });
        expect(res.statusCode).toBe(200);
      }
    }
    // Objects passed whole by a careless caller: redacted by field name, whatever the shape.
    kefu.logger.info(
      { ticket: { application: { name: '王五', idNumber: 'X1', phone: '12', address: { detail: '某路1号' } } } },
      'debug dump',
    );
    kefu.logger.warn({ body: { userId: 'u', text: `身份证 ${ID}` } }, `user said ${PHONE}`);

    expect(lines.length).toBeGreaterThan(1000); // the conversations did log
    for (const secret of [ID, ID2, CREDIT, PHONE, PHONE2, ID.toLowerCase(), '王五', '某路1号'])
      expect(lines).not.toContain(secret);
    expect(lines).not.toContain(`${PHONE.slice(0, 3)} ${PHONE.slice(3, 7)} ${PHONE.slice(7)}`);
    expect(lines).toContain('[redacted]');
    expect(lines).toContain('138****5678');
  });
});
