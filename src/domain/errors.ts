/**
 * Stable error codes of the domain layer. The HTTP layer and the bot map these to
 * statuses and message keys, so they are never renamed, only added.
 */
export const ERROR_CODES = {
  INVALID_ID_NUMBER: 'KEFU_INVALID_ID_NUMBER',
  INVALID_CREDIT_CODE: 'KEFU_INVALID_CREDIT_CODE',
  INVALID_PHONE: 'KEFU_INVALID_PHONE',
  INVALID_ADDRESS: 'KEFU_INVALID_ADDRESS',
  INVALID_REGION_TABLE: 'KEFU_INVALID_REGION_TABLE',
  ILLEGAL_TRANSITION: 'KEFU_ILLEGAL_TRANSITION',
  UNKNOWN_TICKET: 'KEFU_UNKNOWN_TICKET',
} as const;

/** One of the stable codes in {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/**
 * A rule of the business was broken. `code` says which rule; `reason` narrows it down
 * (e.g. `checkdigit` for an ID number) so the bot can tell the user exactly what to fix.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly reason?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
