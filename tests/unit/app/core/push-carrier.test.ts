import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from './fake-socket.ts';
import { CARRY_PUSH } from '../../../../src/shared/sw-events.ts';

/**
 * The tab's side of a push carried on its realtime socket: the service worker hands it a body, the
 * tab sends a `push` frame and hands back the `pushed` answer, or null when it cannot (the worker then
 * pushes over HTTP). The WebSocket and the worker's messages are fakes; the modules are the real ones.
 */

vi.mock('../../../../src/app/core/sync.ts', () => ({ syncNow: vi.fn() }));
vi.mock('../../../../src/app/core/sw-client.ts', () => ({
  request: vi.fn(async () => ({})),
  onTopic: vi.fn(() => () => undefined),
  subscribe: vi.fn(() => () => undefined),
  hasCode: vi.fn(() => false),
}));

const ANNE = '0190a5b0-0000-7000-8000-00000000000a';
const windowListeners = new Map<string, () => void>();
let fromWorker: ((event: { data: unknown; ports: MessagePort[] }) => void) | undefined;
const stubs = {
  WebSocket: FakeSocket,
  location: { protocol: 'https:', host: 'relais.test', pathname: '/' },
  window: { addEventListener: (type: string, fn: () => void) => windowListeners.set(type, fn) },
  document: { visibilityState: 'visible', addEventListener: () => undefined },
  navigator: {
    serviceWorker: {
      addEventListener: (_type: string, fn: typeof fromWorker) => (fromWorker = fn),
      startMessages: () => undefined,
    },
  },
};

beforeAll(async () => {
  for (const [name, value] of Object.entries(stubs)) vi.stubGlobal(name, value);
  const { startRealtime } = await import('../../../../src/app/core/realtime.ts');
  const { startPushCarrier } = await import('../../../../src/app/core/push-carrier.ts');
  const { session } = await import('../../../../src/app/core/session.ts');
  session.value = { user: { id: ANNE, username: 'a', displayName: 'A', role: 'doctor' }, expired: false };
  startRealtime();
  startPushCarrier();
});

afterAll(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const socket = (): FakeSocket => FakeSocket.instances.at(-1) as FakeSocket;

/** The worker asks the tab to carry `push` for `userId`; resolves with what the tab answers on the port. */
function carry(push: unknown, userId = ANNE): { answer: Promise<unknown> } {
  const { port1, port2 } = new MessageChannel();
  const answer = new Promise<unknown>((done) => {
    port1.onmessage = (event) => {
      port1.close();
      done(event.data);
    };
  });
  fromWorker?.({ data: { type: CARRY_PUSH, push, userId }, ports: [port2] });
  return { answer };
}

const BODY = { deviceId: 'd', mutations: [{ id: 'm1', kind: 'message.send', args: {} }] };

describe('the push carrier', () => {
  it('answers null at once while the socket is not open', async () => {
    expect(await carry(BODY).answer).toBeNull();
  });

  it('sends the body as a push frame and hands back the pushed answer of the same ref', async () => {
    socket().accept(ANNE);
    const { answer } = carry(BODY);
    const frame = JSON.parse(socket().sent.at(-1) as string) as { type: string; ref: string; push: unknown };
    expect(frame).toMatchObject({ type: 'push', push: BODY });
    socket().receive({ type: 'pushed', ref: 'not-this-one', status: 500, body: {} });
    socket().receive({ type: 'pushed', ref: frame.ref, status: 200, body: { results: [{ id: 'm1', ok: true }] } });
    expect(await answer).toEqual({ status: 200, body: { results: [{ id: 'm1', ok: true }] } });
  });

  it('never carries for another user than the one its socket speaks for', async () => {
    const before = socket().sent.length;
    expect(await carry(BODY, '0190a5b0-0000-7000-8000-00000000000b').answer).toBeNull();
    expect(socket().sent).toHaveLength(before);
  });

  it('refuses a body the gateway would cut the socket for (over the frame limit), sending nothing', async () => {
    const before = socket().sent.length;
    const big = { deviceId: 'd', mutations: [{ id: 'm2', kind: 'message.send', args: { body: 'é'.repeat(40_000) } }] };
    expect(await carry(big).answer).toBeNull();
    expect(socket().sent).toHaveLength(before);
  });

  it('gives every unanswered push back when the page goes away or the socket drops', async () => {
    const hidden = carry(BODY);
    windowListeners.get('pagehide')?.();
    expect(await hidden.answer).toBeNull();
    const dropped = carry(BODY);
    socket().drop();
    expect(await dropped.answer).toBeNull();
  });
});
