import type { FastifyReply } from 'fastify';

/** Stable error codes and the HTTP status each maps to: the one place this mapping lives. */
export const HTTP_STATUS_BY_CODE: Record<string, number> = {
  KEFU_BAD_REQUEST: 400,
  KEFU_TEXT_TOO_LONG: 400,
  KEFU_UNAUTHORIZED: 401,
  KEFU_FORBIDDEN: 403,
  KEFU_NOT_FOUND: 404,
  KEFU_UNKNOWN_TICKET: 404,
  KEFU_CONFLICT: 409,
  KEFU_ILLEGAL_TRANSITION: 409,
  KEFU_ALREADY_CLAIMED: 409,
  KEFU_PAYLOAD_TOO_LARGE: 413,
  KEFU_UNSUPPORTED_MEDIA_TYPE: 415,
  KEFU_RATE_LIMITED: 429,
  KEFU_TURN_TIMEOUT: 503,
  KEFU_STORE_UNAVAILABLE: 503,
  KEFU_INTERNAL: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Send a coded error: `{ "error": { "code", "message" } }` with its mapped status. */
export function sendError(reply: FastifyReply, code: string, message: string, details?: unknown): FastifyReply {
  const body: ErrorBody = { error: { code, message } };
  if (details !== undefined) body.error.details = details;
  return reply.code(HTTP_STATUS_BY_CODE[code] ?? 500).send(body);
}
