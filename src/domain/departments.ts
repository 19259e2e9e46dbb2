import { z } from 'zod';
import { FEEDBACK_CATEGORIES, type FeedbackCategory } from './feedback-classifier.js';

/**
 * Which department handles which kind of feedback (问题处理与回复). The defaults are a sample;
 * operators override any part with a JSON file (`FEEDBACK_DEPARTMENTS_FILE`), e.g.
 * `{"billing": "计费中心"}`.
 */
export type DepartmentTable = Record<FeedbackCategory, string>;

export const DEFAULT_DEPARTMENTS: DepartmentTable = {
  network_signal: 'network_operations',
  billing: 'billing_center',
  service_attitude: 'service_quality',
  business_handling: 'business_support',
  broadband_installation: 'broadband_field_service',
  other: 'customer_service',
};

const tableSchema = z
  .partialRecord(z.enum(FEEDBACK_CATEGORIES), z.string().trim().min(1).max(100))
  .refine((t) => Object.keys(t).length > 0, { message: 'at least one category' });

/** A configured department table that cannot be used; the message names the field. */
export class InvalidDepartmentTableError extends Error {
  override readonly name = 'InvalidDepartmentTableError';
  readonly code = 'KEFU_INVALID_DEPARTMENTS';
}

/** An operator's table (JSON, any category may be left out) over the defaults; throws {@link InvalidDepartmentTableError}. */
export function parseDepartments(json: unknown): DepartmentTable {
  const result = tableSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidDepartmentTableError(
      `department table ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`.replace(' :', ':'),
    );
  }
  return { ...DEFAULT_DEPARTMENTS, ...result.data };
}

/** The department for a category. */
export function departmentFor(table: DepartmentTable, category: FeedbackCategory): string {
  return table[category];
}
