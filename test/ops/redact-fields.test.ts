import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CENSOR, redactFields } from '../../src/log/redact-fields.js';

const PERSONAL = ['idNumber', 'legalRepIdNumber', 'phone', 'creditCode', 'address', 'company'];
const keyArb = fc.oneof(fc.constantFrom(...PERSONAL, 'name', 'application', 'token', 'ticket', 'x'), fc.string());
const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
const tree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.dictionary(keyArb, tie('node'), { maxKeys: 4 }),
    fc.array(tie('node'), { maxLength: 3 }),
  ),
})).node;
const objectArb = fc.dictionary(keyArb, tree, { maxKeys: 5 });

/** Every value under a personal field name within the searched depth. */
function personalValues(value: unknown, depth = 0): unknown[] {
  if (value === null || typeof value !== 'object' || depth > 3) return [];
  const found: unknown[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (PERSONAL.includes(k) && v !== null && v !== undefined) found.push(v);
    else found.push(...personalValues(v, depth + 1));
  }
  return found;
}

describe('redactFields (log lines)', () => {
  it('leaves no personal field uncensored within four levels, and never changes the caller object', () => {
    fc.assert(
      fc.property(objectArb, (obj) => {
        const before = structuredClone(obj);
        const out = redactFields(obj);
        expect(obj).toEqual(before);
        for (const v of personalValues(out)) expect(v).toBe(CENSOR);
      }),
    );
  });

  it('returns the very object when there is nothing to hide (no copy per log line)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('conversationId', 'channel', 'event', 'durationMs', 'intent'), leaf),
        (obj) => {
          expect(redactFields(obj)).toBe(obj);
        },
      ),
    );
  });

  it("hides an applicant's name and secrets below the top, not error names", () => {
    const err = new Error('boom');
    const out = redactFields({
      ticket: { application: { name: '王五', idNumber: 'X1', address: { detail: '某路1号' } } },
      body: { token: 't0k', password: 'pw' },
      headers: { authorization: 'Bearer x' },
      err,
      name: 'turn',
    });
    expect(out).toEqual({
      ticket: { application: { name: CENSOR, idNumber: CENSOR, address: CENSOR } },
      body: { token: CENSOR, password: CENSOR },
      headers: { authorization: CENSOR },
      err,
      name: 'turn',
    });
  });
});
