/** The turn could not be had in time (a previous turn is stuck or the store is slow). */
export class TurnTimeoutError extends Error {
  override readonly name = 'TurnTimeoutError';
  readonly code = 'KEFU_TURN_TIMEOUT';
  constructor(readonly conversationId: string) {
    super(`timed out waiting for the turn of ${conversationId}`);
  }
}

/** The turn was passed on before it committed (it ran longer than the turn lease). */
export class TurnLostError extends Error {
  override readonly name = 'TurnLostError';
  readonly code = 'KEFU_TURN_LOST';
  constructor(readonly conversationId: string) {
    super(`lost the turn of ${conversationId} before commit`);
  }
}

/** The store (Redis) cannot be reached. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'KEFU_STORE_UNAVAILABLE';
  constructor(cause?: unknown) {
    super('the session store is unavailable', { cause });
  }
}
