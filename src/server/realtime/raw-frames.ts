import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/*
 * Speed trick: a live event is framed once and the same bytes are written on every recipient's TCP
 * socket, corked until the end of the event-loop turn, so the frames a socket gets from several
 * events arriving together leave in one system call. ws has no public way to do either (its
 * `send()` frames again for every socket and writes at once), so this reaches the socket under a
 * ws WebSocket (`_socket`, as engine.io does for its broadcasts).
 * Measured against ws's public `socket.send()` for every delivery, alternating runs of
 * `node --import tsx bench/fanout/main.ts --servers relais-always --rate 1000 --reps 3` (300 users,
 * one gateway, 2 runs of each, on a 2-core machine shared with other work, load average 6.5–8):
 * deliveries per gateway CPU-second, median of 6 reps, 42,100 (28,200–45,200) with this path
 * against 34,800 (26,700–38,500) with `send()`: ~21 % more, so the private path stays.
 */

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
 * The TCP socket under a ws WebSocket. Safe to write on because the gateway's sockets never compress
 * (permessage-deflate is off) nor send Blobs, so ws never holds a frame back in its own queue that a
 * direct write could overtake. Undefined when the socket is not shaped like that (tests' fakes).
 */
function rawSocketOf(socket: WebSocket): Duplex | undefined {
  const raw = (socket as unknown as { _socket?: Duplex })._socket;
  return raw && typeof raw.cork === 'function' && !raw.destroyed ? raw : undefined;
}

/** Writes one event's frame to many sockets: built once, corked per socket until the end of the turn. */
export class RawFrameWriter {
  /** Sockets corked during this turn, uncorked together at its end. */
  readonly #corked = new Set<Duplex>();
  readonly #uncorkAll = (): void => {
    for (const raw of this.#corked) raw.uncork();
    this.#corked.clear();
  };

  /**
   * Sends `payload` as a text frame on `socket`; `wire` is the frame built once for all recipients
   * (`textFrame(payload)`, made on first need). Falls back to ws's `send()` when the socket is not raw.
   */
  write(socket: WebSocket, payload: Buffer, wire: () => Buffer): void {
    const raw = rawSocketOf(socket);
    if (!raw) {
      socket.send(payload, { binary: false });
      return;
    }
    if (!this.#corked.has(raw)) {
      // An empty set means no uncork is scheduled yet for this turn.
      if (this.#corked.size === 0) endOfTurn(this.#uncorkAll);
      raw.cork();
      this.#corked.add(raw);
    }
    raw.write(wire());
  }
}
