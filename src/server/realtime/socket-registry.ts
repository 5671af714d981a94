import type { WebSocket } from 'ws';
import { RawFrameWriter, textFrame } from './raw-frames.ts';

/** The WebSockets open on this gateway, by user. */
export class SocketRegistry {
  readonly #byUser = new Map<string, Set<WebSocket>>();
  readonly #highWatermark: number;
  readonly #writer = new RawFrameWriter();

  /** `highWatermark`: bytes a socket may have waiting to be sent before it is cut as a slow client. */
  constructor(options: { highWatermark: number }) {
    this.#highWatermark = options.highWatermark;
  }

  add(userId: string, socket: WebSocket): void {
    let set = this.#byUser.get(userId);
    if (!set) this.#byUser.set(userId, (set = new Set()));
    set.add(socket);
  }

  remove(userId: string, socket: WebSocket): void {
    const set = this.#byUser.get(userId);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) this.#byUser.delete(userId);
  }

  /** True when the user has a socket open on this gateway. */
  has(userId: string): boolean {
    return this.#byUser.has(userId);
  }

  /**
   * Sends one already-serialized frame to the local sockets of these users (minus `exceptUserId`).
   * The payload is encoded once and the WebSocket frame built once for every socket (see
   * raw-frames.ts): the write, one per socket, is what a delivery costs.
   */
  deliver(memberIds: readonly string[], frame: string, exceptUserId?: string): number {
    let sent = 0;
    let payload: Buffer | undefined;
    let wire: Buffer | undefined;
    const wireOnce = (): Buffer => (wire ??= textFrame(payload as Buffer));
    for (const userId of memberIds) {
      if (userId === exceptUserId) continue;
      const set = this.#byUser.get(userId);
      if (!set) continue;
      for (const socket of set) {
        if (socket.readyState !== socket.OPEN) continue;
        payload ??= Buffer.from(frame);
        this.#writer.write(socket, payload, wireOnce);
        sent += 1;
        // 1013 "try again later": the client reconnects and pulls instead of eating memory here.
        if (socket.bufferedAmount > this.#highWatermark) socket.close(1013, 'slow client');
      }
    }
    return sent;
  }

  /**
   * Sends one already-serialized frame to one socket (a reply to its frame, its hello) through the
   * same writer as the deliveries: a reply and a live frame for that socket in the same turn leave
   * in one system call, in the order they were written.
   */
  send(socket: WebSocket, frame: string): void {
    if (socket.readyState !== socket.OPEN) return;
    const payload = Buffer.from(frame);
    this.#writer.write(socket, payload, () => textFrame(payload));
  }

  /** Cuts every socket of the user at once (no close handshake); answers how many there were. */
  dropUser(userId: string): number {
    const set = this.#byUser.get(userId);
    if (!set) return 0;
    const count = set.size;
    for (const socket of [...set]) socket.terminate();
    this.#byUser.delete(userId);
    return count;
  }

  /** Closes every socket (shutdown). */
  closeAll(code: number, reason: string): void {
    for (const set of this.#byUser.values()) for (const socket of set) socket.close(code, reason);
    this.#byUser.clear();
  }

  get size(): number {
    let n = 0;
    for (const set of this.#byUser.values()) n += set.size;
    return n;
  }
}
