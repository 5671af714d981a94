/*
 * Speed trick: a push of messages and read markers from a session this gateway already knows skips
 * its session lookup, and costs one Redis round trip (one fsync wait with `appendfsync always`)
 * instead of two. The hint is never an authorization; the other half of the trick is in
 * messaging/sync-routes.ts (who may skip) and SESSION in store/lua/fragments.ts (the check in the write).
 */

/**
 * Which user each session key belonged to when this gateway last checked it: a hint, never an
 * authorization. It lets a push of messages and read markers skip its session lookup, because their
 * scripts check the session themselves, atomically with the write (see SESSION in
 * store/lua/fragments.ts): a session revoked anywhere is refused by the next such script. Bounded, least
 * recently used first out; holds key hashes, not tokens.
 */
export class SessionHints {
  readonly #users = new Map<string, string>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  /** The user last seen with this session key, if any. */
  get(key: string): string | undefined {
    const userId = this.#users.get(key);
    if (userId !== undefined) {
      // Most recently used last: the Map's order is the eviction order.
      this.#users.delete(key);
      this.#users.set(key, userId);
    }
    return userId;
  }

  remember(key: string, userId: string): void {
    this.#users.delete(key);
    this.#users.set(key, userId);
    if (this.#users.size > this.#max) this.#users.delete(this.#users.keys().next().value as string);
  }

  forget(key: string): void {
    this.#users.delete(key);
  }
}
