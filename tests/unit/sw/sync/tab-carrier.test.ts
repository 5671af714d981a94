import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ApiClient, type ApiResponse } from '../../../../src/shared/api-client.ts';
import { CARRY_PUSH } from '../../../../src/shared/sw-events.ts';
import { carryByTab, type CarrierWindow } from '../../../../src/sw/sync/tab-carrier.ts';
import { BASE_URL, newDevice, pendingMessage, serverWithConversation } from '../kit/device.ts';
import type { FakeServer } from '../kit/fake-server.ts';

/** A window that answers every carried push with `answer(push)` (nothing when it returns undefined). */
function window(answer: (push: unknown) => ApiResponse | null | undefined | object, asked: unknown[] = []): CarrierWindow {
  return {
    id: `w${asked.length}-${Math.random()}`,
    postMessage(message, transfer) {
      const { type, push, userId } = message as { type: string; push: unknown; userId: string };
      expect([type, userId]).toEqual([CARRY_PUSH, 'anne']);
      asked.push(push);
      const reply = answer(push);
      if (reply !== undefined) (transfer[0] as MessagePort).postMessage(reply);
    },
  };
}

const OK: ApiResponse = { status: 200, body: { results: [] } };
const EXISTS = (): Promise<boolean> => Promise.resolve(true);

describe('carryByTab', () => {
  it('answers what the first window able to carry the push answered, asking the windows in order', async () => {
    const asked: unknown[] = [];
    const answer = await carryByTab([window(() => null, asked), window(() => OK, asked), window(() => OK, asked)], { deviceId: 'd', mutations: [] }, 'anne', EXISTS);
    expect(answer).toEqual(OK);
    expect(asked).toHaveLength(2);
  });

  it('answers null when no window carries it: none open, none with its socket open, a malformed answer', async () => {
    expect(await carryByTab([], {}, 'anne', EXISTS)).toBeNull();
    expect(await carryByTab([window(() => null), window(() => ({ status: 'ok' }))], {}, 'anne', EXISTS)).toBeNull();
  });

  it('gives up at once on a window that went away with the push (its end of the port closed), without waiting for the timeout', async () => {
    const gone: CarrierWindow = { id: 'gone', postMessage: (_message, transfer) => (transfer[0] as MessagePort).close() };
    expect(await carryByTab([gone, window(() => OK)], {}, 'anne', EXISTS, 60_000)).toEqual(OK);
  });

  it('gives up on a window the browser no longer lists (closed, navigated away) within a check, without waiting for the timeout', async () => {
    // The test's own 5 s bound fails it if the carrier waits for its 60 s timeout.
    const silent = window(() => undefined);
    expect(await carryByTab([silent], {}, 'anne', async (id) => id !== silent.id, 60_000)).toBeNull();
  });

  it('gives up on a window that does not answer in time (the push then goes over HTTP)', async () => {
    expect(await carryByTab([window(() => undefined)], {}, 'anne', EXISTS, 20)).toBeNull();
  });
});

const pushes = (server: FakeServer) => server.requests.filter((r) => r.path === '/api/sync/push');

/** A tab that carries the push to the same server, marked so the test tells it from the worker's own HTTP push. */
function carryingTab(server: FakeServer, userId: string, carried: unknown[]): (push: unknown) => Promise<ApiResponse | null> {
  const api = new ApiClient({ fetch: server.fetchFor({ userId }), baseUrl: BASE_URL });
  return (push) => {
    carried.push(push);
    return api.call('POST', '/api/sync/push', { ...(push as object), deviceId: 'carried' });
  };
}

describe('the outbox flush with a tab to carry its pushes', () => {
  it('sends through the tab, and nothing over HTTP of its own', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const carried: unknown[] = [];
    const device = await newDevice(server, anne, { carry: carryingTab(server, anne.id, carried) });
    const message = await device.engine.send(pendingMessage(conversation.id, anne, 'Par la socket'));
    await device.engine.whenIdle();
    expect(carried).toHaveLength(1);
    expect(pushes(server).map((r) => (r.body as { deviceId: string }).deviceId)).toEqual(['carried']);
    expect(await device.db.messages.get(message.messageId)).toMatchObject({ status: 'sent', seq: 1 });
    expect(await device.db.outbox.count()).toBe(0);
  });

  it('pushes over HTTP when no tab could carry it', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne, { carry: () => Promise.resolve(null) });
    const message = await device.engine.send(pendingMessage(conversation.id, anne, 'Par HTTP'));
    await device.engine.whenIdle();
    expect(pushes(server).map((r) => (r.body as { deviceId: string }).deviceId)).toEqual(['device-test']);
    expect((await device.db.messages.get(message.messageId))?.status).toBe('sent');
  });

  it('treats a carried refusal as the same refusal over HTTP: 503 keeps the entry and backs off', async () => {
    const { server, anne, conversation } = serverWithConversation();
    const device = await newDevice(server, anne, { carry: () => Promise.resolve({ status: 503, body: { error: { code: 'unavailable' } } }) });
    const message = await device.engine.send(pendingMessage(conversation.id, anne, 'Plus tard'));
    await device.engine.whenIdle();
    expect(device.retryDelays).toEqual([1_000]);
    expect(await device.db.outbox.count()).toBe(1);
    expect((await device.db.messages.get(message.messageId))?.status).toBe('pending');
    expect(device.engine.state()).toMatchObject({ lastErrorCode: 'unavailable' });
    expect(pushes(server)).toHaveLength(0);
  });
});
