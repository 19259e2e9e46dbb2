import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPARTMENTS, departmentFor, parseDepartments } from '../../src/domain/departments.js';
import { FEEDBACK_CATEGORIES } from '../../src/domain/feedback-classifier.js';

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
