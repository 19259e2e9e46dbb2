import type { Redis } from 'ioredis';
import { LeanScript } from './lean-script.js';
import { keys, legacyKeys } from './redis-keys.js';
import { FORGET_CONVERSATION } from './redis-scripts.js';

const forgetScript = new LeanScript(FORGET_CONVERSATION, 7);

/**
 * Erasure of a conversation's stored words, in one script: its session, transcript and outbox (and
 * the turn lane's keys from before it was one string) go, and the lane's latest answer becomes an
 * empty one. The lane's numbers stay: the erasing turn still has to commit. Channel state (delivery
 * settings the user chose, such as an SMS opt-out) is kept, as are the delivery once-marks (event
 * ids, no personal data, gone within a week). Returns how many keys were deleted.
 */
export function forgetConversation(redis: Redis, conversationId: string): Promise<number> {
  const c = conversationId;
  return forgetScript.call<number>(
    redis,
    [
      keys.lane(c),
      keys.session(c),
      keys.transcript(c),
      keys.outbox(c),
      legacyKeys.seen(c),
      legacyKeys.last(c),
      legacyKeys.rate(c),
    ],
    [],
  );
}
