import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { decodeEnvelope, encodeEnvelope } from '../../../src/server/realtime/live-envelope.ts';
import { SocketRegistry } from '../../../src/server/realtime/socket-registry.ts';

/**
 * Live delivery on one gateway: the registry writes pre-built WebSocket frames straight on the
 * sockets' TCP connections (a real ws client on the other end must read exactly what was sent,
 * whatever the length encoding), and the live bus carries frames between gateways in an envelope.
 */

let server: Server | undefined;
let wss: WebSocketServer | undefined;
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  wss?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
  wss = undefined;
});

/** A ws server (permessage-deflate off, as the gateway's) with `count` connected clients, registered as users u0, u1, ... */
async function connected(registry: SocketRegistry, count: number): Promise<{ received: string[][] }> {
  server = createServer();
  wss = new WebSocketServer({ server, perMessageDeflate: false });
  let next = 0;
  wss.on('connection', (socket) => registry.add(`u${next++}`, socket));
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  const received: string[][] = [];
  for (let i = 0; i < count; i++) {
    const frames: string[] = [];
    received.push(frames);
    const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    clients.push(client);
    client.on('message', (data, isBinary) => frames.push(isBinary ? '<binary>' : data.toString()));
    await new Promise<void>((done, fail) => {
      client.once('open', () => done());
      client.once('error', fail);
    });
  }
  while (registry.size < count) await new Promise((done) => setTimeout(done, 5));
  return { received };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not received in time');
    await new Promise((done) => setTimeout(done, 5));
  }
}

describe('SocketRegistry.deliver() on real sockets', () => {
  it('delivers text frames of every length encoding intact (7-bit, 16-bit and 64-bit lengths)', async () => {
    const registry = new SocketRegistry({ highWatermark: 1024 * 1024 });
    const { received } = await connected(registry, 2);
    const frames = ['{"type":"x"}', JSON.stringify({ type: 'y', body: 'é'.repeat(125) }), JSON.stringify({ type: 'z', body: '€'.repeat(70_000) })];
    for (const frame of frames) expect(registry.deliver(['u0', 'u1'], frame)).toBe(2);
    await until(() => received.every((r) => r.length === frames.length));
    expect(received).toEqual([frames, frames]);
  });

  it('keeps the order of frames sent in one turn and across turns, and skips the excluded user', async () => {
    const registry = new SocketRegistry({ highWatermark: 1024 * 1024 });
    const { received } = await connected(registry, 3);
    const sent: string[] = [];
    for (let turn = 0; turn < 5; turn++) {
      for (let i = 0; i < 20; i++) {
        const frame = JSON.stringify({ type: 'changes', n: turn * 20 + i });
        sent.push(frame);
        registry.deliver(['u0', 'u1', 'u2'], frame, 'u2');
      }
      await new Promise((done) => setImmediate(done));
    }
    await until(() => received[0]!.length === sent.length && received[1]!.length === sent.length);
    expect(received[0]).toEqual(sent);
    expect(received[1]).toEqual(sent);
    expect(received[2]).toEqual([]);
  });
});

describe('the live bus envelope', () => {
  it('carries members, the excepted user and the frame as they were, newlines in the frame included', () => {
    const frame = JSON.stringify({ type: 'changes', changes: [{ type: 'message', message: { body: 'ligne 1\nligne 2 "citée"' } }] }) + '\n';
    const envelope = { memberIds: ['a', 'b'], frame, exceptUserId: 'b' };
    expect(encodeEnvelope(envelope)).toBe(`a,b\nb\n${frame}`);
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
    expect(decodeEnvelope(encodeEnvelope({ memberIds: [], frame: '{}' }))).toEqual({ memberIds: [], frame: '{}' });
  });

  it('flags a membership change, and only that', () => {
    const envelope = { memberIds: ['a'], frame: '{"type":"changes","changes":[]}', membership: true };
    expect(encodeEnvelope(envelope)).toBe(`!a\n\n${envelope.frame}`);
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
    expect(decodeEnvelope(encodeEnvelope({ memberIds: ['a'], frame: '{}' }))).not.toHaveProperty('membership');
  });

  it('still reads the all-JSON form, and refuses a malformed payload', () => {
    expect(decodeEnvelope(JSON.stringify({ m: ['a'], f: '{"type":"typing"}' }))).toEqual({ memberIds: ['a'], frame: '{"type":"typing"}' });
    expect(decodeEnvelope(JSON.stringify({ m: ['a'], f: '{}', x: 'a' }))).toEqual({ memberIds: ['a'], frame: '{}', exceptUserId: 'a' });
    expect(decodeEnvelope('a,b')).toBeNull();
    expect(decodeEnvelope('a,b\n')).toBeNull();
  });
});
