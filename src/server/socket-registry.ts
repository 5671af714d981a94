import type { WebSocket } from 'ws';

/** The WebSockets open on this gateway, by user. */
export class SocketRegistry {
  readonly #byUser = new Map<string, Set<WebSocket>>();
  readonly #highWatermark: number;
  readonly #onUser: ((userId: string, connected: boolean) => void) | undefined;

  /**
   * `highWatermark`: bytes a socket may have waiting to be sent before it is cut as a slow client.
   * `onUser`: told when a user's first socket here opens and their last one closes (push presence).
   */
  constructor(options: { highWatermark: number; onUser?: (userId: string, connected: boolean) => void }) {
    this.#highWatermark = options.highWatermark;
    this.#onUser = options.onUser;
  }

  add(userId: string, socket: WebSocket): void {
    let set = this.#byUser.get(userId);
    if (!set) {
      this.#byUser.set(userId, (set = new Set()));
      this.#onUser?.(userId, true);
    }
    set.add(socket);
  }

  remove(userId: string, socket: WebSocket): void {
    const set = this.#byUser.get(userId);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) {
      this.#byUser.delete(userId);
      this.#onUser?.(userId, false);
    }
  }

  /** Sends one already-serialized frame to the local sockets of these users (minus `exceptUserId`). */
  deliver(memberIds: readonly string[], frame: string, exceptUserId?: string): number {
    let sent = 0;
    // Encoded to UTF-8 once, not once per recipient socket (sent as a text frame all the same).
    let data: Buffer | undefined;
    for (const userId of memberIds) {
      if (userId === exceptUserId) continue;
      const set = this.#byUser.get(userId);
      if (!set) continue;
      for (const socket of set) {
        if (socket.readyState !== socket.OPEN) continue;
        socket.send((data ??= Buffer.from(frame)), { binary: false });
        sent += 1;
        // 1013 "try again later": the client reconnects and pulls instead of eating memory here.
        if (socket.bufferedAmount > this.#highWatermark) socket.close(1013, 'slow client');
      }
    }
    return sent;
  }

  /** Cuts every socket of the user at once (no close handshake); answers how many there were. */
  dropUser(userId: string): number {
    const set = this.#byUser.get(userId);
    if (!set) return 0;
    const count = set.size;
    for (const socket of [...set]) socket.terminate();
    this.#byUser.delete(userId);
    this.#onUser?.(userId, false);
    return count;
  }

  /** Closes every socket (shutdown). */
  closeAll(code: number, reason: string): void {
    for (const set of this.#byUser.values()) for (const socket of set) socket.close(code, reason);
    for (const userId of this.#byUser.keys()) this.#onUser?.(userId, false);
    this.#byUser.clear();
  }

  get size(): number {
    let n = 0;
    for (const set of this.#byUser.values()) n += set.size;
    return n;
  }
}
