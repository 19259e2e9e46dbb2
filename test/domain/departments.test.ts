import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPARTMENTS, departmentFor, parseDepartments } from '../../src/domain/departments.js';
import { FEEDBACK_CATEGORIES } from '../../src/domain/feedback-classifier.js';
import { loadDepartments } from '../../src/runtime/feedback-effects.js';
import { testKefu, uniqueUser } from '../support/kefu.js';

describe('department table', () => {
  it('has a department for every category by default', () => {
    for (const c of FEEDBACK_CATEGORIES) expect(departmentFor(DEFAULT_DEPARTMENTS, c)).toMatch(/\S/);
  });

  it('an operator file overrides some categories and keeps the rest', () => {
    const table = parseDepartments({ billing: '计费中心' });
    expect(table.billing).toBe('计费中心');
    expect(table.network_signal).toBe(DEFAULT_DEPARTMENTS.network_signal);
  });

  it.each([
    [{ bogus: 'x' }, /bogus/],
    [{ billing: '' }, /billing/],
    [['billing'], /record/],
    [{}, /at least one/],
  ])('refuses %j', (json, message) => {
    expect(() => parseDepartments(json)).toThrow(message);
  });
});

describe('FEEDBACK_DEPARTMENTS_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-dept-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('is read over the defaults; without it the defaults apply', () => {
    expect(loadDepartments(undefined)).toEqual(DEFAULT_DEPARTMENTS);
    expect(loadDepartments(file('ok.json', '{"network_signal":"网络部"}')).network_signal).toBe('网络部');
  });

  it('an unreadable or invalid file names the variable', () => {
    expect(() => loadDepartments(join(dir, 'missing.json'))).toThrow(/FEEDBACK_DEPARTMENTS_FILE/);
    expect(() => loadDepartments(file('bad.json', '{not json'))).toThrow(/FEEDBACK_DEPARTMENTS_FILE/);
    expect(() => loadDepartments(file('wrong.json', '{"billing": 3}'))).toThrow(/FEEDBACK_DEPARTMENTS_FILE .*billing/);
  });

  it('routes a new FK ticket to the configured department', async () => {
    const kefu = await testKefu({ FEEDBACK_DEPARTMENTS_FILE: file('kefu.json', '{"billing":"计费中心"}') });
    try {
      const userId = uniqueUser('dept');
      const msg = { channel: 'web' as const, userId, conversationId: `web:${userId}`, receivedAt: 0 };
      await kefu.runtime.handle({ ...msg, messageId: 'd1', text: '上个月话费多扣了50元，号码13812345678' });
      const [ticket] = await kefu.tickets.listByUser('web', userId);
      expect(ticket?.feedback?.department).toBe('计费中心');
    } finally {
      await kefu.close();
    }
  });
});

describe('feedback messages', () => {
  it('have the same keys in every locale', () => {
    const keys = (locale: string) =>
      Object.keys(JSON.parse(readFileSync(join('locales', locale, 'feedback.json'), 'utf8')) as object).sort();
    expect(keys('en')).toEqual(keys('zh-CN'));
    expect(keys('zh-TW')).toEqual(keys('zh-CN'));
  });
});
