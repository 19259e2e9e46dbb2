import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SLA_POLICY,
  InvalidSlaPolicyError,
  addBusinessTime,
  createSla,
  deadlinesFor,
  delayedExpectation,
  formatCst,
  isBusinessTime,
  parseSlaPolicy,
  stepOf,
} from '../../src/domain/sla-policy.js';

const HOUR = 3_600_000;
const bh = DEFAULT_SLA_POLICY.businessHours;
/** 2026-11-23 is a Monday; times are given in China Standard Time. */
const cst = (iso: string) => Date.parse(`${iso}+08:00`);
const anyTime = fc.integer({ min: cst('2026-01-01T00:00:00'), max: cst('2028-12-31T00:00:00') });

/** Working time between a and b, counted minute by minute (the slow, obvious way). */
function workingMinutes(a: number, b: number): number {
  let n = 0;
  for (let t = a; t < b; t += 60_000) if (isBusinessTime(bh, t)) n++;
  return n;
}

describe('business time', () => {
  it('counts only opening hours: Friday 17:00 + 2 h is Monday 10:00', () => {
    expect(addBusinessTime(bh, cst('2026-11-27T17:00:00'), 2 * HOUR)).toBe(cst('2026-11-30T10:00:00'));
  });

  it('a step started at night starts counting at the next opening', () => {
    expect(addBusinessTime(bh, cst('2026-11-24T22:30:00'), HOUR)).toBe(cst('2026-11-25T10:00:00'));
  });

  it('skips holidays', () => {
    const withHoliday = { ...bh, holidays: ['2026-11-30'] };
    expect(addBusinessTime(withHoliday, cst('2026-11-27T17:00:00'), 2 * HOUR)).toBe(cst('2026-12-01T10:00:00'));
  });

  it('property: the result is never earlier, lies in business time, and exactly the asked working time passed', () => {
    fc.assert(
      fc.property(anyTime, fc.integer({ min: 1, max: 30 * 60 }), (at, minutes) => {
        const start = at - (at % 60_000);
        const due = addBusinessTime(bh, start, minutes * 60_000);
        expect(due).toBeGreaterThan(start);
        expect(isBusinessTime(bh, due - 1)).toBe(true);
        expect(workingMinutes(start, due)).toBe(minutes);
      }),
      { numRuns: 40 },
    );
  });

  it('property: adding in two parts equals adding at once', () => {
    fc.assert(
      fc.property(anyTime, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), (at, a, b) => {
        const once = addBusinessTime(bh, at, (a + b) * HOUR);
        const twice = addBusinessTime(bh, addBusinessTime(bh, at, a * HOUR), b * HOUR);
        expect(twice).toBe(once);
      }),
    );
  });
});

describe('deadlines', () => {
  it('a submitted application gets an acknowledgement and a review deadline, both absolute and after submission', () => {
    fc.assert(
      fc.property(anyTime, (at) => {
        const d = deadlinesFor(DEFAULT_SLA_POLICY, 'application', 'review', at);
        expect(d.acknowledge).toBe(at + 15 * 60_000);
        expect(d.review).toBeGreaterThan(at);
        expect(workingMinutes(at, d.review!)).toBe(18 * 60);
      }),
      { numRuns: 20 },
    );
  });

  it('feedback replies follow the urgency on the calendar clock: 1 h urgent, 24 h routine, 72 h complex', () => {
    fc.assert(
      fc.property(anyTime, (at) => {
        expect(deadlinesFor(DEFAULT_SLA_POLICY, 'feedback', 'reply', at, 'urgent').reply).toBe(at + HOUR);
        expect(deadlinesFor(DEFAULT_SLA_POLICY, 'feedback', 'reply', at, 'routine').reply).toBe(at + 24 * HOUR);
        expect(deadlinesFor(DEFAULT_SLA_POLICY, 'feedback', 'reply', at, 'complex').reply).toBe(at + 72 * HOUR);
      }),
    );
  });

  it('property: the delay notice always promises a time after the missed deadline', () => {
    fc.assert(
      fc.property(
        anyTime,
        fc.constantFrom('review', 'activation', 'closure') as fc.Arbitrary<'review' | 'activation' | 'closure'>,
        (at, step) => {
          expect(delayedExpectation(DEFAULT_SLA_POLICY, 'application', step, at)).toBeGreaterThan(at);
        },
      ),
    );
  });

  it('maps every status to the step it waits on', () => {
    expect(stepOf('application', 'submitted')).toBe('review');
    expect(stepOf('application', 'under_review')).toBe('review');
    expect(stepOf('application', 'approved')).toBe('activation');
    expect(stepOf('application', 'active')).toBeUndefined();
    expect(stepOf('application', 'closure_requested')).toBe('closure');
    expect(stepOf('feedback', 'reopened')).toBe('reply');
    expect(stepOf('feedback', 'replied')).toBeUndefined();
  });

  it('a configured policy overrides the defaults it names and keeps the rest', () => {
    const sla = createSla(parseSlaPolicy({ feedback: { routine: { hours: 12, clock: 'calendar', delayHours: 6 } } }));
    expect(sla.deadlinesFor('feedback', 'reply', 0).reply).toBe(12 * HOUR);
    expect(sla.deadlinesFor('feedback', 'reply', 0, 'complex').reply).toBe(72 * HOUR);
    expect(() => parseSlaPolicy({ businessHours: { open: 18, close: 9 } })).toThrow(InvalidSlaPolicyError);
    expect(() => parseSlaPolicy({ feedback: { routine: { hours: -1, clock: 'calendar', delayHours: 1 } } })).toThrow(
      /feedback/,
    );
  });

  it('formats due times in China Standard Time', () => {
    expect(formatCst(cst('2026-11-25T18:00:00'))).toBe('2026-11-25 18:00');
  });
});
