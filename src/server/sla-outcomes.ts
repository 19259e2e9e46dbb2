import { stepOf } from '../domain/sla-policy.js';
import type { Ticket } from '../domain/ticket.js';

export interface SlaOutcome {
  met: number;
  missed: number;
  /** Still in the step, deadline not yet passed. */
  open: number;
}

/**
 * Met, missed and open deadline steps of these tickets, keyed `<kind>.<step>`, read from each
 * ticket's deadlines and history: a step left at or before its deadline was met, left after it
 * (or still waiting past it) was missed. `acknowledge` is met by the first status change.
 * Deadline keys that are not steps (`<step>Expected`, the new time told in a delay notice) are skipped.
 */
export function slaOutcomes(tickets: readonly Ticket[], now: number): Record<string, SlaOutcome> {
  const out: Record<string, SlaOutcome> = {};
  for (const t of tickets) {
    const current = stepOf(t.kind, t.status);
    for (const [step, due] of Object.entries(t.deadlines)) {
      if (step.endsWith('Expected')) continue;
      let leftAt: number | undefined;
      if (step === 'acknowledge') {
        leftAt = t.history.find((h) => h.from !== null)?.at;
      } else if (current !== step) {
        leftAt = t.history.findLast(
          (h) => h.from !== null && stepOf(t.kind, h.from) === step && stepOf(t.kind, h.to) !== step,
        )?.at;
        // Never in this step (a deadline set ahead of time): nothing to judge.
        if (leftAt === undefined) continue;
      }
      const o = (out[`${t.kind}.${step}`] ??= { met: 0, missed: 0, open: 0 });
      if (leftAt !== undefined) {
        if (leftAt <= due) o.met++;
        else o.missed++;
      } else if (now > due || (t.overdue && step === current)) o.missed++;
      else o.open++;
    }
  }
  return out;
}
