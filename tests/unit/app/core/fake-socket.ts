/**
 * The browser's WebSocket as the tab's realtime module uses it, for unit tests: every socket made is
 * kept in `instances`; the test plays the server (accept, frames in, close) and reads what was sent.
 */
export class FakeSocket {
  static readonly OPEN = 1;
  static readonly instances: FakeSocket[] = [];
  readonly OPEN = 1;
  readonly sent: string[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  send(text: string): void {
    this.sent.push(text);
  }
  close(): void {
    this.readyState = 3;
  }
  /** The server accepted the connection (and says `hello` for `userId` when given). */
  accept(userId?: string): void {
    this.readyState = 1;
    this.onopen?.();
    if (userId !== undefined) this.receive({ type: 'hello', userId, serverTime: 1 });
  }
  /** A frame from the server. */
  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  /** The network dropped it (1006), or the server closed it with `code`. */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}
