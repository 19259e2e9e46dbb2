import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_DEPARTMENTS, departmentFor, parseDepartments, type DepartmentTable } from '../domain/departments.js';
import { FEEDBACK_CATEGORIES, type FeedbackCategory } from '../domain/feedback-classifier.js';
import { normalizeMobile } from '../domain/phone.js';
import { createSla, type Sla } from '../domain/sla-policy.js';
import { canTransition, TICKET_NUMBER, transitionTicket, type FeedbackDetails, type Ticket } from '../domain/ticket.js';
import { classifyFeedbackWithLlm } from '../nlu/llm-feedback.js';
import type { LlmConfig } from '../nlu/llm.js';
import type { TicketStore } from '../store/ticket-store.js';
import type { EffectHandler, EffectHandlers } from './effects.js';

/** Scores at or below this reopen the ticket for a supervisor. */
export const REOPEN_AT_OR_BELOW = 2;

const draftSchema = z.object({
  type: z.enum(['complaint', 'suggestion', 'praise']),
  category: z.enum(FEEDBACK_CATEGORIES),
  urgency: z.enum(['urgent', 'routine', 'complex']),
  explanation: z.array(z.string().max(200)).max(50),
  description: z.string().trim().min(1).max(2000),
  relatedTicket: z.string().regex(TICKET_NUMBER).optional(),
  phone: z
    .string()
    .refine((p) => normalizeMobile(p) !== null, 'not a mainland mobile number')
    .optional(),
  location: z.string().trim().min(1).max(200).optional(),
  agentPraised: z.string().trim().min(1).max(50).optional(),
});

/**
 * The machine's draft as feedback details, routed to its department. The machine classified
 * it already (offline rules, pure); the draft is re-checked because a ticket is a record.
 */
export function feedbackDetails(draft: Record<string, unknown>, departments: DepartmentTable): FeedbackDetails {
  const parsed = draftSchema.safeParse(draft);
  if (!parsed.success)
    throw new Error(`createTicket: the feedback draft is invalid (${parsed.error.issues[0]?.path.join('.')})`);
  const d = parsed.data;
  const details: FeedbackDetails = {
    type: d.type,
    category: d.category,
    urgency: d.urgency,
    description: d.description,
    department: departmentFor(departments, d.category),
    explanation: d.explanation,
  };
  if (d.relatedTicket) details.relatedTicket = d.relatedTicket;
  if (d.phone) details.phone = normalizeMobile(d.phone) ?? d.phone;
  if (d.location) details.location = d.location;
  if (d.agentPraised) details.agentPraised = d.agentPraised;
  return details;
}

/** The department table of `FEEDBACK_DEPARTMENTS_FILE`, or the defaults; an unusable file stops start-up. */
export function loadDepartments(path: string | undefined): DepartmentTable {
  if (!path) return DEFAULT_DEPARTMENTS;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`FEEDBACK_DEPARTMENTS_FILE ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return parseDepartments(json);
  } catch (err) {
    throw new Error(`FEEDBACK_DEPARTMENTS_FILE ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export interface FeedbackEffectDeps {
  tickets: TicketStore;
  departments?: DepartmentTable;
  sla?: Sla;
  /** The handlers feedback extends: other ticket kinds and other survey subjects go to them. */
  base: EffectHandlers;
  /** With a model configured (`OPENAI_*`) it refines the offline classification; it never lowers urgency. */
  llm?: LlmConfig;
}

/**
 * Feedback's part of `createTicket` (an FK ticket with its reply deadline by urgency and its
 * department) and of `recordSatisfaction` (the score kept on the ticket; a low one reopens it
 * for a supervisor). Everything else is passed to the base handlers.
 */
export function feedbackEffects(deps: FeedbackEffectDeps): Pick<EffectHandlers, 'createTicket' | 'recordSatisfaction'> {
  const sla = deps.sla ?? createSla();
  const departments = deps.departments ?? DEFAULT_DEPARTMENTS;

  /**
   * The machine classified by the offline rules (and already handed an urgent one to a person);
   * the model may change the category and raise the urgency on the ticket. A raise to urgent
   * comes after the conversation's decision: the ticket is urgent (its due time), the explanation says so.
   */
  const refined = async (feedback: FeedbackDetails): Promise<FeedbackDetails> => {
    if (!deps.llm) return feedback;
    const offline = { category: feedback.category as FeedbackCategory, urgency: feedback.urgency };
    const c = await classifyFeedbackWithLlm(
      feedback.description,
      deps.llm,
      { ...offline, explanation: feedback.explanation },
      feedback.type,
    );
    const explanation =
      c.urgency === 'urgent' && offline.urgency !== 'urgent'
        ? [
            ...c.explanation,
            'urgency:urgent after the conversation <- llm (no live handoff: staff act on the urgent reply due)',
          ]
        : c.explanation;
    return {
      ...feedback,
      category: c.category,
      urgency: c.urgency,
      department: departmentFor(departments, c.category),
      explanation: explanation.map((e) => e.slice(0, 200)).slice(-50),
    };
  };

  const createTicket: EffectHandler<'createTicket'> = async (params, ctx) => {
    if (params.kind !== 'feedback') return deps.base.createTicket?.(params, ctx);
    const feedback = await refined(feedbackDetails(params.draft, departments));
    const deadlines = sla.deadlinesFor('feedback', 'reply', ctx.now, feedback.urgency) as Record<string, number>;
    const classify = { to: 'classified', by: 'system', note: feedback.explanation.join('; ') } as const;
    const ticket = await deps.tickets.create(
      {
        kind: 'feedback',
        channel: ctx.channel,
        userId: ctx.userId,
        conversationId: ctx.conversationId,
        locale: ctx.locale,
        deadlines,
        feedback,
        // Classified at intake, in the creating write: staff see it already sorted (received -> classified).
        then: classify,
      },
      ctx.now,
      // A redelivered message (same turn key) gets the ticket created the first time.
      ctx.turnKey,
    );
    // A ticket an earlier version left unclassified (received) is classified now.
    const classified =
      ticket.status === 'received'
        ? await deps.tickets.transition(ticket.number, classify.to, classify.by, ctx.now, classify.note)
        : ticket;
    return { type: 'ticket.created', number: classified.number, at: ctx.now, deadlines: classified.deadlines };
  };

  const recordSatisfaction: EffectHandler<'recordSatisfaction'> = async (params, ctx) => {
    const subject = params.subject;
    // The survey record and the ticket are read together, in one round trip.
    const [base, ticket] = await Promise.all([
      deps.base.recordSatisfaction?.(params, ctx),
      subject.kind === 'ticket' ? deps.tickets.get(subject.number) : undefined,
    ]);
    // Only the user's own feedback tickets take their score.
    if (!ticket?.feedback || ticket.channel !== ctx.channel || ticket.userId !== ctx.userId) return base;
    const satisfaction = { score: params.score, at: ctx.now, ...(params.comment ? { comment: params.comment } : {}) };
    // The score and, when it is low, the reopening go in one write; the SLA timers with the commit.
    await deps.tickets.update(
      ticket.number,
      (t) => {
        if (!t.feedback) return t;
        const scored: Ticket = { ...t, updatedAt: ctx.now, feedback: { ...t.feedback, satisfaction } };
        return params.score <= REOPEN_AT_OR_BELOW && reopenable(scored)
          ? transitionTicket(scored, 'reopened', 'user', ctx.now, `satisfaction ${params.score}/5: supervisor review`)
          : scored;
      },
      { known: ticket, defer: ctx.defer },
    );
    return base;
  };

  return { createTicket, recordSatisfaction };
}

/** A low score reopens a replied or closed ticket once; the comment that follows does not reopen it again. */
const reopenable = (t: Ticket) => t.status !== 'reopened' && canTransition('feedback', t.status, 'reopened');
