import type { WebSocket } from 'ws';

import { SESSION_ENDED_CLOSE_CODE } from '../../shared/close-codes.ts';

export { SESSION_ENDED_CLOSE_CODE };

/**
 * The sockets open on this gateway, by the session that opened them: each socket lives no longer
 * than its session. Two ways end them: the `sessions ended` event on the live bus (logout,
 * revocation, password change on any gateway: at once) and the heartbeat's check of every session
 * still holding a socket here (expiry, and an event lost by pub/sub: within one heartbeat).
 */
export class SessionSockets {
  readonly #bySession = new Map<string, Set<WebSocket>>();

  add(sessionKey: string, socket: WebSocket): void {
    let set = this.#bySession.get(sessionKey);
    if (!set) this.#bySession.set(sessionKey, (set = new Set()));
    set.add(socket);
  }

  remove(sessionKey: string, socket: WebSocket): void {
    const set = this.#bySession.get(sessionKey);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) this.#bySession.delete(sessionKey);
  }

  /** The sessions holding a socket here. */
  keys(): string[] {
    return [...this.#bySession.keys()];
  }

  /** Closes the sockets of these sessions (4401); answers how many there were. */
  end(sessionKeys: Iterable<string>): number {
    let closed = 0;
    for (const key of sessionKeys) {
      const set = this.#bySession.get(key);
      if (!set) continue;
      this.#bySession.delete(key);
      for (const socket of set) {
        socket.close(SESSION_ENDED_CLOSE_CODE, 'session ended');
        closed += 1;
      }
    }
    return closed;
  }
}
