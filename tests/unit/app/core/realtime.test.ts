import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from './fake-socket.ts';

/**
 * The tab's WebSocket: reconnects with exponential backoff and jitter, and asks the service worker
 * to pull after every (re)connection (live frames missed while away are caught up by the pull);
 * hands frames to the features that registered for them, and to the SW only those it stores.
 * The WebSocket, timers and the SW are fakes; the module under test is the real one.
 */

const syncNow = vi.fn();
vi.mock('../../../../src/app/core/sync.ts', () => ({ syncNow }));
const request = vi.fn(async () => ({}));
vi.mock('../../../../src/app/core/sw-client.ts', () => ({
  request,
  onTopic: vi.fn(() => () => undefined),
  subscribe: vi.fn(() => () => undefined),
  hasCode: vi.fn(() => false),
}));

const listeners = new Map<string, () => void>();
const stubs = {
  WebSocket: FakeSocket,
  location: { protocol: 'https:', host: 'relais.test', pathname: '/' },
  window: { addEventListener: (type: string, fn: () => void) => listeners.set(type, fn) },
  document: { visibilityState: 'visible', addEventListener: () => undefined },
};

beforeAll(() => {
  vi.useFakeTimers();
  for (const [name, value] of Object.entries(stubs)) vi.stubGlobal(name, value);
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});

afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('realtime reconnects', () => {
  it('pulls after each connection and backs off exponentially with jitter between attempts', async () => {
    const { startRealtime, realtimeStatus } = await import('../../../../src/app/core/realtime.ts');
    const { session } = await import('../../../../src/app/core/session.ts');
    session.value = { user: { id: '0190a5b0-0000-7000-8000-00000000000a', username: 'k', displayName: 'K', role: 'doctor' }, expired: false };
    startRealtime();
    expect(FakeSocket.instances).toHaveLength(1);
    expect(FakeSocket.instances[0]?.url).toBe('wss://relais.test/api/realtime');
    FakeSocket.instances[0]?.accept();
    expect(realtimeStatus.value).toBe('open');
    expect(syncNow).toHaveBeenLastCalledWith('reconnect');
    syncNow.mockClear();

    // Dropped three times in a row: 0.5 s, 1 s, 2 s ceilings, each 75 % of its ceiling with random = 0.5.
    const waits = [375, 750, 1500];
    for (const wait of waits) {
      FakeSocket.instances.at(-1)?.drop();
      expect(realtimeStatus.value).toBe('reconnecting');
      const before = FakeSocket.instances.length;
      vi.advanceTimersByTime(wait - 1);
      expect(FakeSocket.instances).toHaveLength(before);
      vi.advanceTimersByTime(1);
      expect(FakeSocket.instances).toHaveLength(before + 1);
    }
    expect(syncNow).not.toHaveBeenCalled();
    FakeSocket.instances.at(-1)?.accept();
    expect(syncNow).toHaveBeenCalledWith('reconnect');

    // Once open again the backoff starts over.
    FakeSocket.instances.at(-1)?.drop();
    const before = FakeSocket.instances.length;
    vi.advanceTimersByTime(375);
    expect(FakeSocket.instances).toHaveLength(before + 1);
  });

  it('asks the SW to contact the server at once when the server ends the session (4401), so a revoked device wipes without waiting', async () => {
    const { realtimeStatus } = await import('../../../../src/app/core/realtime.ts');
    FakeSocket.instances.at(-1)?.accept();
    syncNow.mockClear();
    FakeSocket.instances.at(-1)?.drop(4401);
    expect(syncNow).toHaveBeenCalledWith('reconnect');
    expect(realtimeStatus.value).toBe('reconnecting');
  });
});

describe('realtime frames', () => {
  it('hands each frame to the features registered for its type or its family', async () => {
    const { onFrame } = await import('../../../../src/app/core/realtime.ts');
    const typing: unknown[] = [];
    const calls: unknown[] = [];
    const stopTyping = onFrame('typing', (frame) => typing.push(frame.type));
    onFrame('call.', (frame) => calls.push(frame.type));
    const socket = FakeSocket.instances.at(-1);
    socket?.accept();
    for (const frame of [{ type: 'typing' }, { type: 'call.incoming' }, { type: 'call.signal' }, { type: 'calling' }, { type: 'presence' }]) {
      socket?.onmessage?.({ data: JSON.stringify(frame) });
    }
    socket?.onmessage?.({ data: 'not json' });
    expect(typing).toEqual(['typing']);
    expect(calls).toEqual(['call.incoming', 'call.signal']);
    stopTyping();
    socket?.onmessage?.({ data: JSON.stringify({ type: 'typing' }) });
    expect(typing).toEqual(['typing']);
  });

  it('wakes the service worker only for the frames it stores (changes, preferences)', async () => {
    request.mockClear();
    const socket = FakeSocket.instances.at(-1);
    for (const type of ['hello', 'subscribed', 'error', 'pong', 'typing', 'presence', 'call.incoming', 'changes', 'preferences']) {
      socket?.onmessage?.({ data: JSON.stringify({ type }) });
    }
    const forwarded = request.mock.calls.map((call) => (call as unknown[])[1] as { frame: { type: string } });
    expect(request.mock.calls.every((call) => (call as unknown[])[0] === 'live.frame')).toBe(true);
    expect(forwarded.map((args) => args.frame.type)).toEqual(['changes', 'preferences']);
  });
});
