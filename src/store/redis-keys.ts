/**
 * Key names. Everything about one conversation shares a `{hash tag}` so a turn's keys live
 * in one Redis Cluster slot and its Lua scripts may touch them all.
 */
export const keys = {
  session: (conv: string) => `kefu:{${conv}}:session`,
  seq: (conv: string) => `kefu:{${conv}}:seq`,
  served: (conv: string) => `kefu:{${conv}}:served`,
  holder: (conv: string) => `kefu:{${conv}}:holder`,
  /** Sorted set of the conversation's last processed message ids (dedupe window), oldest first. */
  seen: (conv: string) => `kefu:{${conv}}:seen`,
  /** `<dedupeKey>\n<replies JSON>` of the latest turn: what a redelivered last message is answered. */
  last: (conv: string) => `kefu:{${conv}}:last`,
  /** What a web user was sent, as versions before the one history kept it apart: read, no longer written. */
  outbox: (conv: string) => `kefu:{${conv}}:outbox`,
  /**
   * The conversation's last lines (JSON, see store/reply-json.ts) for agents, appended by commits and
   * agents; for web chat also the page's history (what was sent, as sent).
   */
  transcript: (conv: string) => `kefu:{${conv}}:transcript`,
  /** Messages counted in the current minute window (per-conversation rate limit). */
  rate: (conv: string) => `kefu:{${conv}}:rate`,
};

/** How long a transcript is kept after its last line. */
export const TRANSCRIPT_TTL_MS = 7 * 86_400_000;
