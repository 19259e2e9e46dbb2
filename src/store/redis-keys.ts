/**
 * Key names. Everything about one conversation shares a `{hash tag}` so a turn's keys live
 * in one Redis Cluster slot and its Lua scripts may touch them all.
 */
export const keys = {
  session: (conv: string) => `kefu:{${conv}}:session`,
  /**
   * The turn lane, one string (store/redis-scripts.ts reads and writes it): the ticket lock's numbers,
   * the turn holder's lease, the per-minute count, the dedupe window (the latest messages' ids) and
   * the latest answer. One key where there were six: each key costs Redis about 70 bytes of its own.
   */
  lane: (conv: string) => `kefu:{${conv}}:lane`,
  /** What a web user was sent, as versions before the one history kept it apart: read, no longer written. */
  outbox: (conv: string) => `kefu:{${conv}}:outbox`,
  /**
   * The conversation's last lines (JSON, see store/reply-json.ts) for agents, appended by commits and
   * agents; for web chat also the page's history (what was sent, as sent).
   */
  transcript: (conv: string) => `kefu:{${conv}}:transcript`,
};

/**
 * The turn lane's keys before it was one string: read while a conversation has no lane yet (its
 * dedupe window, an older process's turn in flight), never written; gone within a day of the
 * upgrade (their TTL).
 */
export const legacyKeys = {
  seq: (conv: string) => `kefu:{${conv}}:seq`,
  served: (conv: string) => `kefu:{${conv}}:served`,
  holder: (conv: string) => `kefu:{${conv}}:holder`,
  seen: (conv: string) => `kefu:{${conv}}:seen`,
  last: (conv: string) => `kefu:{${conv}}:last`,
  rate: (conv: string) => `kefu:{${conv}}:rate`,
};

/** How long a transcript is kept after its last line. */
export const TRANSCRIPT_TTL_MS = 7 * 86_400_000;
