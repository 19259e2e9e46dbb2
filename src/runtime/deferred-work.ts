/**
 * Work a turn's effects defer (`EffectContext.defer`): it leaves with the turn's next write to
 * the store, at the latest with its commit, and the turn looks at how it went at the commit.
 * Sent in the order it was deferred, before whatever the turn sends next, so a Redis store
 * applies it first.
 */
export class DeferredWork {
  private readonly waiting: (() => Promise<unknown>)[] = [];
  private readonly sent: Promise<unknown>[] = [];

  readonly add = (work: () => Promise<unknown>): void => void this.waiting.push(work);

  /** Start what waits, now: called just before the turn sends anything else. */
  send(): void {
    for (const work of this.waiting) {
      let started: Promise<unknown>;
      try {
        started = work();
      } catch (err) {
        started = Promise.reject(err);
      }
      // Looked at by `settle`; a turn that fails before its commit does not wait for it.
      started.catch(() => {});
      this.sent.push(started);
    }
    this.waiting.length = 0;
  }

  /** Everything sent, once it has settled; never rejects. */
  settle(): Promise<PromiseSettledResult<unknown>[]> {
    return Promise.allSettled(this.sent);
  }
}
