import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Taken at load: a test faking timers must not hold frames back. */
const endOfTurn = setImmediate;

/**
 * A WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, no mask as the server sends it) around an
 * already UTF-8 encoded payload.
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

/**
 * The TCP socket under a ws WebSocket, to write pre-built frames on (as engine.io does for its
 * broadcasts). Safe because the gateway's sockets never compress (permessage-deflate is off) nor send
 * Blobs, so ws never holds a frame back in its own queue that a direct write could overtake.
 * Undefined when the socket is not shaped like that (tests' fakes): `send()` is used then.
 */
function rawSocketOf(socket: WebSocket): Duplex | undefined {
  const raw = (socket as unknown as { _socket?: Duplex })._socket;
  return raw && typeof raw.cork === 'function' && !raw.destroyed ? raw : undefined;
}

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

  /** True when the user has a socket open on this gateway. */
  has(userId: string): boolean {
    return this.#byUser.has(userId);
  }

  /**
   * Sends one already-serialized frame to the local sockets of these users (minus `exceptUserId`).
   * The WebSocket frame is built once (server frames are unmasked: every socket gets the same bytes)
   * and written as one buffer per socket. Writes are corked until the end of this event-loop turn,
   * so the frames a socket gets from several events arriving together leave in one system call:
   * that call, one per socket, is what a delivery costs.
   */
  deliver(memberIds: readonly string[], frame: string, exceptUserId?: string): number {
    let sent = 0;
    let payload: Buffer | undefined;
    let wire: Buffer | undefined;
    for (const userId of memberIds) {
      if (userId === exceptUserId) continue;
      const set = this.#byUser.get(userId);
      if (!set) continue;
      for (const socket of set) {
        if (socket.readyState !== socket.OPEN) continue;
        payload ??= Buffer.from(frame);
        const raw = rawSocketOf(socket);
        if (raw) {
          if (!this.#corked.has(raw)) {
            // An empty set means no uncork is scheduled yet for this turn.
            if (this.#corked.size === 0) endOfTurn(this.#uncorkAll);
            raw.cork();
            this.#corked.add(raw);
          }
          raw.write((wire ??= textFrame(payload)));
        } else {
          socket.send(payload, { binary: false });
        }
        sent += 1;
        // 1013 "try again later": the client reconnects and pulls instead of eating memory here.
        if (socket.bufferedAmount > this.#highWatermark) socket.close(1013, 'slow client');
      }
    }
    return sent;
  }

  /** Sockets corked during this turn, uncorked together at its end. */
  readonly #corked = new Set<Duplex>();
  readonly #uncorkAll = (): void => {
    for (const raw of this.#corked) raw.uncork();
    this.#corked.clear();
  };

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
