/**
 * Key names. Everything about one conversation shares a `{hash tag}` so a turn's keys live
 * in one Redis Cluster slot and its Lua scripts may touch them all.
 */
export const keys = {
  session: (conv: string) => `kefu:{${conv}}:session`,
  seq: (conv: string) => `kefu:{${conv}}:seq`,
  served: (conv: string) => `kefu:{${conv}}:served`,
  holder: (conv: string) => `kefu:{${conv}}:holder`,
  seen: (conv: string, dedupeKey: string) => `kefu:{${conv}}:seen:${dedupeKey}`,
  outbox: (conv: string) => `kefu:{${conv}}:outbox`,
};
