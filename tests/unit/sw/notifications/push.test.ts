import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import type { PushPayload } from '../../../../src/shared/push.ts';
import { handlePush, type NotificationOptionsLike, type WindowClientLike } from '../../../../src/sw/notifications/push.ts';
import { BASE_URL } from '../kit/device.ts';
import { paulSignedIn } from '../kit/sw.ts';

/** The `push` handler, with fakes for the SW globals. */

function payloadFor(userId: string, conversationId: string, over: Partial<PushPayload> = {}): PushPayload {
  return { v: 1, kind: 'message', userId, conversationId, messageId: newId(), seq: 1, senderName: 'Dr Anne Martin', urgent: false, sentAt: 1_000, ...over };
}

function fakeWindows(windows: WindowClientLike[] = []) {
  const opened: string[] = [];
  return { opened, clients: { matchAll: async () => windows, openWindow: async (url: string) => void opened.push(url) } };
}

describe('push handler', () => {
  it('stores the notification and shows who wrote, never what, tagged per conversation with Ouvrir/Répondre', async () => {
    const { paul, conversation, ctx, events, list } = await paulSignedIn();
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
    const { paul, conversation, ctx } = await paulSignedIn();
    await ctx.active!.db.meta.put({ key: 'notificationPreferences', value: { showPreview: true, sound: true, muted: [], quietHours: null, lang: 'fr' } });
    const shown: NotificationOptionsLike[] = [];
    await handlePush(
      { ctx, clients: fakeWindows().clients, broadcast: () => undefined, now: () => 1, showNotification: async (_t, o) => void shown.push(o) },
      JSON.stringify(payloadFor(paul.id, conversation.id, { body: 'Bilan prêt' })),
    );
    expect(shown[0]?.body).toBe('Bilan prêt');
  });

  it('shows nothing while a visible tab shows that conversation, but does while it is hidden or elsewhere', async () => {
    const { paul, conversation, ctx, list } = await paulSignedIn();
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
    const { paul, conversation, ctx } = await paulSignedIn();
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

  it('says a call is for a function its holder holds, and nothing more for a call to them', async () => {
    const { paul, conversation, ctx } = await paulSignedIn();
    const bodies: string[] = [];
    const ring = (extra: Partial<PushPayload>) =>
      handlePush(
        { ctx, clients: fakeWindows().clients, broadcast: () => undefined, now: () => 1, showNotification: async (_title, options) => void bodies.push(options.body) },
        JSON.stringify(payloadFor(paul.id, conversation.id, { kind: 'call', callId: newId(), messageId: undefined, seq: undefined, urgent: true, ...extra })),
      );
    await ring({ functionName: 'Médecin de garde — Médecine' });
    await ring({});
    expect(bodies).toEqual(['Appel pour Médecin de garde — Médecine', '']);
  });

  it('ignores a push for another user of the tablet, and malformed payloads', async () => {
    const { anne, conversation, ctx, list } = await paulSignedIn();
    const show = vi.fn(async () => undefined);
    const deps = { ctx, clients: fakeWindows().clients, broadcast: () => undefined, now: () => 1, showNotification: show };
    expect(await handlePush(deps, JSON.stringify(payloadFor(anne.id, conversation.id)))).toBe('ignored');
    expect(await handlePush(deps, '{"v":1,"kind":"message"}')).toBe('ignored');
    expect(await handlePush(deps, 'not json')).toBe('ignored');
    expect(show).not.toHaveBeenCalled();
    expect(await list()).toHaveLength(0);
  });
});
