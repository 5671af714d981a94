import { describe, expect, it, vi } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import { handleNotificationClick, NAVIGATE_MESSAGE } from '../../../../src/sw/notifications/click.ts';
import type { WindowClientLike } from '../../../../src/sw/notifications/push.ts';
import { BASE_URL } from '../kit/device.ts';

/** The `notificationclick` handler, with fakes for the SW globals. */

function fakeWindows(windows: WindowClientLike[] = []) {
  const opened: string[] = [];
  return { opened, clients: { matchAll: async () => windows, openWindow: async (url: string) => void opened.push(url) } };
}

describe('notificationclick handler', () => {
  const conversationId = newId();
  const data = { notificationId: 'n1', link: `/c/${conversationId}`, conversationId, kind: 'message' };

  it('focuses an open window and routes it to the conversation, marking the notification read', async () => {
    const focus = vi.fn(async () => undefined);
    const postMessage = vi.fn();
    const read: string[] = [];
    const closed = vi.fn();
    const { clients, opened } = fakeWindows([
      { url: 'https://other.example/', visibilityState: 'visible', focus, postMessage },
      { url: `${BASE_URL}/`, visibilityState: 'hidden', focus, postMessage },
    ]);
    const url = await handleNotificationClick(
      { clients, origin: BASE_URL, markRead: async (id) => void read.push(id) },
      { action: '', data, close: closed },
    );
    expect(url).toBe(`${BASE_URL}/c/${conversationId}`);
    expect(focus).toHaveBeenCalledTimes(1);
    expect(postMessage).toHaveBeenCalledWith({ type: NAVIGATE_MESSAGE, path: `/c/${conversationId}` });
    expect(opened).toEqual([]);
    expect(read).toEqual(['n1']);
    expect(closed).toHaveBeenCalled();
  });

  it('opens a window on the conversation when none is open; "Répondre" asks for the composer', async () => {
    const { clients, opened } = fakeWindows();
    await handleNotificationClick({ clients, origin: BASE_URL, markRead: async () => undefined }, { action: 'reply', data, close: () => undefined });
    expect(opened).toEqual([`${BASE_URL}/c/${conversationId}?reply=1`]);
  });

  it('"Accepter" opens the call; "Refuser" opens nothing and declines the call on the server', async () => {
    const callData = { ...data, link: `/c/${conversationId}?call=c1`, kind: 'call', callId: 'c1' };
    const { clients, opened } = fakeWindows();
    const declined: string[] = [];
    const deps = { clients, origin: BASE_URL, markRead: async () => undefined, declineCall: async (callId: string) => void declined.push(callId) };
    await handleNotificationClick(deps, { action: 'accept', data: callData, close: () => undefined });
    expect(declined).toEqual([]);
    expect(await handleNotificationClick(deps, { action: 'decline', data: callData, close: () => undefined })).toBeNull();
    expect(opened).toEqual([`${BASE_URL}/c/${conversationId}?call=c1&answer=1`]);
    expect(declined).toEqual(['c1']);
  });

  it('ignores notifications that are not Relais ones', async () => {
    const { clients, opened } = fakeWindows();
    const url = await handleNotificationClick(
      { clients, origin: BASE_URL, markRead: async () => undefined },
      { action: '', data: { link: 'https://evil.example' }, close: () => undefined },
    );
    expect(url).toBeNull();
    expect(opened).toEqual([]);
  });
});
