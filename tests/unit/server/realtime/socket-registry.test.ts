import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { SocketRegistry } from '../../../../src/server/realtime/socket-registry.ts';

class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  /** The payloads as handed to ws: encoded once per frame, so every socket gets the same Buffer. */
  payloads: unknown[] = [];
  closedWith: number | null = null;
  terminated = false;
  send(frame: string | Buffer, options?: { binary?: boolean }) {
    // Whatever the encoding, it must go out as a text frame.
    if (options?.binary) throw new Error('sent as binary');
    this.payloads.push(frame);
    this.sent.push(frame.toString());
  }
  close(code: number) {
    this.closedWith = code;
  }
  terminate() {
    this.terminated = true;
  }
}

const asWs = (s: FakeSocket) => s as unknown as WebSocket;

describe('SocketRegistry', () => {
  it('sends the same serialized frame to every socket of the members, except the excluded user', () => {
    const registry = new SocketRegistry({ highWatermark: 1024 });
    const [a1, a2, b] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    registry.add('a', asWs(a1));
    registry.add('a', asWs(a2));
    registry.add('b', asWs(b));
    expect(registry.deliver(['a', 'b', 'c'], '{"type":"typing"}', 'b')).toBe(2);
    expect(a1.sent).toEqual(['{"type":"typing"}']);
    expect(a2.sent).toEqual(['{"type":"typing"}']);
    expect(b.sent).toEqual([]);
    // Encoded once for all recipients, not once per socket.
    expect(a1.payloads[0]).toBe(a2.payloads[0]);
  });

  it('cuts a slow client with 1013 once its unsent data passes the watermark', () => {
    const registry = new SocketRegistry({ highWatermark: 10 });
    const slow = new FakeSocket();
    slow.bufferedAmount = 11;
    registry.add('a', asWs(slow));
    registry.deliver(['a'], 'x');
    expect(slow.closedWith).toBe(1013);
  });

  it('drops every socket of one user and counts them', () => {
    const registry = new SocketRegistry({ highWatermark: 1024 });
    const [a1, a2] = [new FakeSocket(), new FakeSocket()];
    registry.add('a', asWs(a1));
    registry.add('a', asWs(a2));
    expect(registry.dropUser('a')).toBe(2);
    expect(a1.terminated && a2.terminated).toBe(true);
    expect(registry.dropUser('a')).toBe(0);
    expect(registry.size).toBe(0);
  });
});
