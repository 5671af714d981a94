import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import type { PushPayload } from '../../src/shared/push.ts';
import type { NotificationItem } from '../../src/shared/local-model.ts';
import type { SwEvent } from '../../src/shared/sw-events.ts';
import type { SwReply } from '../../src/shared/sw-requests.ts';
import { NOTIFICATION_TEXT } from '../../src/sw/notifications/text.ts';
import { handleNotificationClick, NAVIGATE_MESSAGE } from '../../src/sw/notifications/click.ts';
import { handlePush, type NotificationOptionsLike, type WindowClientLike } from '../../src/sw/notifications/push.ts';
import { purgeNotifications } from '../../src/sw/notifications/queue.ts';
import { handleRequest } from '../../src/sw/router.ts';
import { SwContext } from '../../src/sw/session/context.ts';
import { FakeServer } from './sw-fake-server.ts';
import { BASE_URL, freshIdb } from './sw-test-kit.ts';

/** The notification queue, the `push` handler and the `notificationclick` handler, with fakes for SW globals. */

async function setup() {
  const server = new FakeServer();
  const anne = server.addUser('anne', 'Dr Anne Martin');
  const paul = server.addUser('paul', 'Paul Durand');
  const conversation = server.addConversation([anne, paul]);
  const cookie = { userId: null as string | null };
  const events: SwEvent[] = [];
  const ctx = new SwContext({ fetch: server.fetchFor(cookie), baseUrl: BASE_URL, broadcast: (e) => events.push(e), idb: freshIdb() });
  let n = 0;
  const call = async <T,>(op: string, args?: unknown): Promise<T> => {
    const reply: SwReply = await handleRequest(ctx, { id: `r${++n}`, op, ...(args === undefined ? {} : { args }) });
    if (!reply.ok) throw new Error(`${op} failed: ${reply.error.code}`);
    return reply.result as T;
  };
  await call('auth.login', { username: 'paul', password: 'correct horse' });
  await call('sync.now');
  const list = async (args?: unknown) => (await call<{ notifications: NotificationItem[] }>('notifications.list', args)).notifications;
  return { server, anne, paul, conversation, ctx, events, call, list };
}

function payloadFor(userId: string, conversationId: string, over: Partial<PushPayload> = {}): PushPayload {
  return { v: 1, kind: 'message', userId, conversationId, messageId: newId(), seq: 1, senderName: 'Dr Anne Martin', urgent: false, sentAt: 1_000, ...over };
}

function fakeWindows(windows: WindowClientLike[] = []) {
  const opened: string[] = [];
  return { opened, clients: { matchAll: async () => windows, openWindow: async (url: string) => void opened.push(url) } };
}

describe('notification queue', () => {
  it('queues a notification for a message from someone else, not for one of ours', async () => {
    const { server, anne, paul, conversation, call, list } = await setup();
    server.addMessage(conversation.id, anne, 'Le bilan est prêt');
    server.addMessage(conversation.id, paul, 'Merci');
    await call('sync.now');
    const queue = await list();
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({
      type: 'message',
      title: 'Nouveau message de Dr Anne Martin',
      body: 'Le bilan est prêt',
      link: `/c/${conversation.id}`,
      urgent: false,
      read: false,
    });
  });

  it('does not turn a device’s first sync (the whole history) into notifications', async () => {
    const server = new FakeServer();
    const anne = server.addUser('anne', 'Dr Anne Martin');
    server.addUser('paul', 'Paul Durand');
    const conversation = server.addConversation([anne, [...server.users.values()][1]!]);
    server.addMessage(conversation.id, anne, 'ancien');
    const ctx = new SwContext({ fetch: server.fetchFor({ userId: null }), baseUrl: BASE_URL, broadcast: () => undefined, idb: freshIdb() });
    await handleRequest(ctx, { id: '1', op: 'auth.login', args: { username: 'paul', password: 'correct horse' } });
    await handleRequest(ctx, { id: '2', op: 'sync.now' });
    expect(await ctx.active?.db.notifications.count()).toBe(0);
  });

  it('marks a conversation’s notifications read when it is opened (read.mark), and filters by type and unread', async () => {
    const { server, anne, conversation, call, list } = await setup();
    server.addMessage(conversation.id, anne, 'un');
    server.addMessage(conversation.id, anne, 'deux');
    await call('sync.now');
    expect(await list({ unreadOnly: true })).toHaveLength(2);
    await call('read.mark', { conversationId: conversation.id, seq: 2 });
    expect(await list({ unreadOnly: true })).toHaveLength(0);
    expect(await list({ type: 'message' })).toHaveLength(2);
    expect(await list({ type: 'missed_call' })).toHaveLength(0);
  });

  it('marks notifications read when the conversation was read on another device', async () => {
    const { server, anne, paul, conversation, ctx, call, list } = await setup();
    server.addMessage(conversation.id, anne, 'un');
    await call('sync.now');
    await ctx.active!.engine.applyLive([{ type: 'read', conversationId: conversation.id, userId: paul.id, seq: 1 }]);
    expect((await list())[0]?.read).toBe(true);
  });

  it('deletes entries and ages them out by TTL', async () => {
    const { server, anne, conversation, ctx, call, list } = await setup();
    server.addMessage(conversation.id, anne, 'un');
    server.addMessage(conversation.id, anne, 'deux');
    await call('sync.now');
    const [first, second] = await list();
    const counts = await call<{ unread: number }>('notifications.delete', { ids: [first!.id] });
    expect(counts.unread).toBe(1);
    expect((await list()).map((n) => n.id)).toEqual([second!.id]);
    expect(await purgeNotifications(ctx.active!.db, second!.time + 1)).toBe(1);
    expect(await list()).toHaveLength(0);
  });
});

describe('push handler', () => {
  it('stores the notification and shows who wrote, never what, tagged per conversation with Ouvrir/Répondre', async () => {
    const { paul, conversation, ctx, events, list } = await setup();
    const shown: { title: string; options: NotificationOptionsLike }[] = [];
    const { clients } = fakeWindows();
    const payload = payloadFor(paul.id, conversation.id, { body: 'texte confidentiel' });
    const outcome = await handlePush(
      { ctx, clients, broadcast: (e) => events.push(e), now: () => 5_000, showNotification: async (title, options) => void shown.push({ title, options }) },
      JSON.stringify(payload),
    );
    expect(outcome).toBe('shown');
    expect(shown).toHaveLength(1);
    expect(shown[0]?.title).toBe('Nouveau message de Dr Anne Martin');
    expect(shown[0]?.options).toMatchObject({
      body: '',
      tag: `conv:${conversation.id}`,
      data: { notificationId: payload.messageId, link: `/c/${conversation.id}`, conversationId: conversation.id },
      actions: [
        { action: 'open', title: 'Ouvrir' },
        { action: 'reply', title: 'Répondre' },
      ],
    });
    expect((await list())[0]).toMatchObject({ id: payload.messageId, read: false });
    expect(events.some((e) => e.topic === 'notifications')).toBe(true);
  });

  it('shows the text when the user enabled previews', async () => {
    const { paul, conversation, ctx } = await setup();
    await ctx.active!.db.meta.put({ key: 'notificationPreferences', value: { showPreview: true, sound: true, muted: [], quietHours: null, lang: 'fr' } });
    const shown: NotificationOptionsLike[] = [];
    await handlePush(
      { ctx, clients: fakeWindows().clients, broadcast: () => undefined, now: () => 1, showNotification: async (_t, o) => void shown.push(o) },
      JSON.stringify(payloadFor(paul.id, conversation.id, { body: 'Bilan prêt' })),
    );
    expect(shown[0]?.body).toBe('Bilan prêt');
  });

  it('shows nothing while a visible tab shows that conversation, but does while it is hidden or elsewhere', async () => {
    const { paul, conversation, ctx, list } = await setup();
    const run = async (windows: WindowClientLike[]) => {
      const shown: string[] = [];
      const outcome = await handlePush(
        { ctx, clients: fakeWindows(windows).clients, broadcast: () => undefined, now: () => 1, showNotification: async (t) => void shown.push(t) },
        JSON.stringify(payloadFor(paul.id, conversation.id)),
      );
      return { outcome, shown: shown.length };
    };
    const at = `${BASE_URL}/c/${conversation.id}`;
    expect(await run([{ url: at, visibilityState: 'visible' }])).toEqual({ outcome: 'suppressed', shown: 0 });
    expect(await run([{ url: at, visibilityState: 'hidden' }])).toEqual({ outcome: 'shown', shown: 1 });
    expect(await run([{ url: `${BASE_URL}/`, visibilityState: 'visible' }])).toEqual({ outcome: 'shown', shown: 1 });
    expect(await list()).toHaveLength(3); // stored every time, banner or not
  });

  it('rings a call with Accepter/Refuser, tagged per call', async () => {
    const { paul, conversation, ctx } = await setup();
    const callId = newId();
    const shown: { title: string; options: NotificationOptionsLike }[] = [];
    await handlePush(
      { ctx, clients: fakeWindows().clients, broadcast: () => undefined, now: () => 1, showNotification: async (title, options) => void shown.push({ title, options }) },
      JSON.stringify(payloadFor(paul.id, conversation.id, { kind: 'call', callId, messageId: undefined, seq: undefined, urgent: true })),
    );
    expect(shown[0]?.title).toBe('Appel de Dr Anne Martin');
    expect(shown[0]?.options).toMatchObject({
      tag: `call:${callId}`,
      requireInteraction: true,
      data: { link: `/c/${conversation.id}?call=${callId}`, callId },
      actions: [
        { action: 'accept', title: 'Accepter' },
        { action: 'decline', title: 'Refuser' },
      ],
    });
  });

  it('ignores a push for another user of the tablet, and malformed payloads', async () => {
    const { anne, conversation, ctx, list } = await setup();
    const show = vi.fn(async () => undefined);
    const deps = { ctx, clients: fakeWindows().clients, broadcast: () => undefined, now: () => 1, showNotification: show };
    expect(await handlePush(deps, JSON.stringify(payloadFor(anne.id, conversation.id)))).toBe('ignored');
    expect(await handlePush(deps, '{"v":1,"kind":"message"}')).toBe('ignored');
    expect(await handlePush(deps, 'not json')).toBe('ignored');
    expect(show).not.toHaveBeenCalled();
    expect(await list()).toHaveLength(0);
  });
});

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

describe('service worker notification text', () => {
  it('has the same keys in French and English', () => {
    expect(Object.keys(NOTIFICATION_TEXT.en).sort()).toEqual(Object.keys(NOTIFICATION_TEXT.fr).sort());
  });
});
