/** What replaces a personal value found by field name. */
export const CENSOR = '[redacted]';

// Fields known to hold personal data (a ticket, its details, a whole request body). Masking the
// finished line catches shapes; these catch values of any shape (a name, an address, a mistyped
// number) wherever a caller passes the object itself.
const PERSONAL = new Set(['idNumber', 'legalRepIdNumber', 'phone', 'creditCode', 'address', 'company']);
// Secrets, one level down or deeper (`body.token`, `headers.authorization`).
const SECRET = new Set(['password', 'token', 'authorization']);
/** How deep objects are searched: a ticket inside a wrapper inside a log call. */
const MAX_DEPTH = 4;

const isPlain = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null || Array.isArray(v);
};

function censored(key: string, depth: number, parent: string | undefined): boolean {
  if (PERSONAL.has(key)) return true;
  if (depth > 0 && SECRET.has(key)) return true;
  // `name` alone would also hide error names: only an applicant's name is personal.
  return key === 'name' && parent === 'application';
}

/**
 * A copy of `value` with personal fields replaced, or `value` itself when it holds none (the
 * usual case: no copy, a few lookups). Only plain objects and arrays are searched: a request, a
 * socket or an error is left to its serializer and to the masking of the finished line, so a log
 * call never walks a large object graph.
 */
export function redactFields(value: Record<string, unknown>, depth = 0, parent?: string): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const v = value[key];
    let next = v;
    if (censored(key, depth, parent)) {
      if (v === undefined || v === null) continue;
      next = CENSOR;
    } else if (v !== null && typeof v === 'object' && depth < MAX_DEPTH - 1 && isPlain(v)) {
      next = redactFields(v as Record<string, unknown>, depth + 1, key);
    }
    if (next !== v) {
      out ??= Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...value };
      out[key] = next;
    }
  }
  return out ?? value;
}
