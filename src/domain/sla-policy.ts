import { z } from 'zod';
import type { FeedbackDetails, TicketKind, TicketStatus } from './ticket.js';

/**
 * Service-level promises of SERVICE_PROCESS.md sections 3 and 4, as data: each ticket kind
 * has steps, each step a duration counted in calendar hours (24 h channels) or in business
 * hours (work done by staff at the operator), and how much longer a late step is promised
 * in the delay notice (延时通知).
 */
export type SlaStep = 'acknowledge' | 'review' | 'activation' | 'closure' | 'reply';

/** Feedback urgency decides the reply step's length: real-time, 24 h or 72 h. */
export type Urgency = FeedbackDetails['urgency'];

export interface StepRule {
  /** How long the step may take. */
  hours: number;
  /** `business`: only working hours count (staff work); `calendar`: every hour counts. */
  clock: 'business' | 'calendar';
  /** Extra time promised in a delay notice once the step is late, same clock. */
  delayHours: number;
}

export interface BusinessHours {
  /** Working days, 0 = Sunday ... 6 = Saturday. */
  days: readonly number[];
  /** Opening and closing hour of a working day, local time, e.g. 9 and 18. */
  open: number;
  close: number;
  /** Offset of the operator's time zone from UTC, in hours (China Standard Time: 8). */
  utcOffsetHours: number;
  /** Non-working dates `YYYY-MM-DD` (public holidays). */
  holidays: readonly string[];
}

export interface SlaPolicy {
  businessHours: BusinessHours;
  application: Partial<Record<SlaStep, StepRule>>;
  /** The reply step by urgency. */
  feedback: Record<Urgency, StepRule>;
}

/** The defaults: quick acknowledgement, two working days to review, three to activate, 24 h / 72 h feedback. */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  businessHours: { days: [1, 2, 3, 4, 5], open: 9, close: 18, utcOffsetHours: 8, holidays: [] },
  application: {
    // Quick response: the bot acknowledges every submission at once; the promise is minutes.
    acknowledge: { hours: 0.25, clock: 'calendar', delayHours: 0.25 },
    review: { hours: 18, clock: 'business', delayHours: 9 },
    activation: { hours: 27, clock: 'business', delayHours: 9 },
    closure: { hours: 9, clock: 'business', delayHours: 9 },
  },
  feedback: {
    urgent: { hours: 1, clock: 'calendar', delayHours: 1 },
    routine: { hours: 24, clock: 'calendar', delayHours: 24 },
    complex: { hours: 72, clock: 'calendar', delayHours: 24 },
  },
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The step a ticket in `status` is waiting on (the one with a deadline), or none when nothing is owed. */
export function stepOf(kind: TicketKind, status: TicketStatus): SlaStep | undefined {
  if (kind === 'application') {
    if (status === 'submitted' || status === 'under_review') return 'review';
    if (status === 'approved') return 'activation';
    if (status === 'closure_requested') return 'closure';
    return undefined;
  }
  if (status === 'received' || status === 'classified' || status === 'in_progress' || status === 'reopened')
    return 'reply';
  return undefined;
}

/** The rule for a step, or undefined when the policy promises nothing for it. */
export function ruleFor(
  policy: SlaPolicy,
  kind: TicketKind,
  step: SlaStep,
  urgency: Urgency = 'routine',
): StepRule | undefined {
  if (kind === 'feedback') return step === 'reply' ? policy.feedback[urgency] : undefined;
  return policy.application[step];
}

/** `at` plus `hours` on the rule's clock. */
export function addHours(policy: SlaPolicy, rule: Pick<StepRule, 'clock'>, at: number, hours: number): number {
  return rule.clock === 'calendar'
    ? at + Math.round(hours * HOUR)
    : addBusinessTime(policy.businessHours, at, Math.round(hours * HOUR));
}

/**
 * Absolute due times (epoch ms) for the step a ticket has just entered at `at`; for a new
 * application also the acknowledgement. Empty when the step carries no promise.
 */
export function deadlinesFor(
  policy: SlaPolicy,
  kind: TicketKind,
  step: SlaStep,
  at: number,
  urgency: Urgency = 'routine',
): Partial<Record<SlaStep, number>> {
  const out: Partial<Record<SlaStep, number>> = {};
  const rule = ruleFor(policy, kind, step, urgency);
  if (rule) out[step] = addHours(policy, rule, at, rule.hours);
  if (kind === 'application' && step === 'review') {
    const ack = policy.application.acknowledge;
    if (ack) out.acknowledge = addHours(policy, ack, at, ack.hours);
  }
  return out;
}

/** The new expected time announced in a delay notice when a step's deadline passed at `at`. */
export function delayedExpectation(
  policy: SlaPolicy,
  kind: TicketKind,
  step: SlaStep,
  at: number,
  urgency: Urgency = 'routine',
): number {
  const rule = ruleFor(policy, kind, step, urgency) ?? { clock: 'calendar' as const, delayHours: 24 };
  return addHours(policy, rule, at, rule.delayHours);
}

/** Local calendar date `YYYY-MM-DD` and hour fields of `at` in the policy's zone. */
function local(bh: BusinessHours, at: number): { date: string; day: number; dayStart: number } {
  const shifted = at + bh.utcOffsetHours * HOUR;
  const d = new Date(shifted);
  const dayStart = Math.floor(shifted / DAY) * DAY - bh.utcOffsetHours * HOUR;
  return { date: d.toISOString().slice(0, 10), day: d.getUTCDay(), dayStart };
}

/** Whether `at` falls inside working hours. */
export function isBusinessTime(bh: BusinessHours, at: number): boolean {
  const { date, day, dayStart } = local(bh, at);
  if (!bh.days.includes(day) || bh.holidays.includes(date)) return false;
  return at >= dayStart + bh.open * HOUR && at < dayStart + bh.close * HOUR;
}

/**
 * `at` plus `ms` of working time: the clock only runs during opening hours on working days
 * that are not holidays. A step that starts at night starts counting at the next opening.
 */
export function addBusinessTime(bh: BusinessHours, at: number, ms: number): number {
  if (bh.days.length === 0 || bh.close <= bh.open)
    throw new RangeError('business hours must have working days and open < close');
  let t = at;
  let left = ms;
  // Bounded: a year of days is far more than any promise; holidays cannot stall it forever.
  for (let guard = 0; guard < 3660; guard++) {
    const { date, day, dayStart } = local(bh, t);
    const open = dayStart + bh.open * HOUR;
    const close = dayStart + bh.close * HOUR;
    if (bh.days.includes(day) && !bh.holidays.includes(date) && t < close) {
      const from = Math.max(t, open);
      if (from + left <= close) return from + left;
      left -= close - from;
    }
    t = dayStart + DAY;
  }
  throw new RangeError('business time could not be reached within ten years (check the holiday list)');
}

/** `YYYY-MM-DD HH:mm` in China Standard Time (how due times are told to users). */
export function formatCst(at: number): string {
  return new Date(at + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
}

/** `MM-DD HH:mm` in China Standard Time (timeline lines). */
export function formatCstShort(at: number): string {
  return formatCst(at).slice(5);
}

/** A policy with its functions bound, so callers say `sla.deadlinesFor(kind, step, at)`. */
export interface Sla {
  policy: SlaPolicy;
  deadlinesFor(kind: TicketKind, step: SlaStep, at: number, urgency?: Urgency): Partial<Record<SlaStep, number>>;
  delayedExpectation(kind: TicketKind, step: SlaStep, at: number, urgency?: Urgency): number;
}

export function createSla(policy: SlaPolicy = DEFAULT_SLA_POLICY): Sla {
  return {
    policy,
    deadlinesFor: (kind, step, at, urgency) => deadlinesFor(policy, kind, step, at, urgency),
    delayedExpectation: (kind, step, at, urgency) => delayedExpectation(policy, kind, step, at, urgency),
  };
}

const ruleSchema = z.object({
  hours: z.number().positive(),
  clock: z.enum(['business', 'calendar']),
  delayHours: z.number().positive(),
});

const policySchema = z.object({
  businessHours: z
    .object({
      days: z.array(z.number().int().min(0).max(6)).min(1),
      open: z.number().min(0).max(24),
      close: z.number().min(0).max(24),
      utcOffsetHours: z.number().min(-12).max(14),
      holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)),
    })
    .partial()
    .optional(),
  application: z.partialRecord(z.enum(['acknowledge', 'review', 'activation', 'closure']), ruleSchema).optional(),
  feedback: z.partialRecord(z.enum(['urgent', 'routine', 'complex']), ruleSchema).optional(),
});

/** A configured SLA policy that cannot be used; the message names the field. */
export class InvalidSlaPolicyError extends Error {
  override readonly name = 'InvalidSlaPolicyError';
  readonly code = 'KEFU_INVALID_SLA_POLICY';
}

/** An operator's policy (JSON, any part may be left out) over the defaults; throws {@link InvalidSlaPolicyError}. */
export function parseSlaPolicy(json: unknown): SlaPolicy {
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidSlaPolicyError(`SLA policy ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const p = parsed.data;
  const businessHours = { ...DEFAULT_SLA_POLICY.businessHours, ...p.businessHours };
  if (businessHours.close <= businessHours.open)
    throw new InvalidSlaPolicyError('SLA policy businessHours: open must be before close');
  return {
    businessHours,
    application: { ...DEFAULT_SLA_POLICY.application, ...p.application },
    feedback: { ...DEFAULT_SLA_POLICY.feedback, ...p.feedback },
  };
}
