import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { handleRequest } from '../../../../src/sw/router.ts';
import { SwContext } from '../../../../src/sw/session/context.ts';
import { purgeNotifications } from '../../../../src/sw/notifications/queue.ts';
import { BASE_URL, freshIdb } from '../kit/device.ts';
import { FakeServer } from '../kit/fake-server.ts';
import { paulSignedIn } from '../kit/sw.ts';

/** The notification queue, filled by applied changes, read by opening or reading elsewhere, aged by TTL. */

describe('notification queue', () => {
  it('queues a notification for a message from someone else, not for one of ours', async () => {
    const { server, anne, paul, conversation, call, list } = await paulSignedIn();
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

  it('does not queue what arrives in a conversation a visible window shows (read live), pulled or live', async () => {
    const shown: string[] = [];
    const { server, anne, conversation, ctx, call, list } = await paulSignedIn({ visiblePaths: async () => shown });
    shown.push(`/c/${conversation.id}`);
    server.addMessage(conversation.id, anne, 'lu en direct');
    await call('sync.now');
    const live = server.addMessage(conversation.id, anne, 'lu en direct aussi');
    await ctx.active!.engine.applyLive([{ type: 'message', message: live }]);
    expect(await list()).toEqual([]);
    // The window shows another page (or is hidden): news again.
    shown.length = 0;
    shown.push('/');
    server.addMessage(conversation.id, anne, 'arrivé hors écran');
    await call('sync.now');
    expect((await list()).map((n) => n.body)).toEqual(['arrivé hors écran']);
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
    const { server, anne, conversation, call, list } = await paulSignedIn();
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
    const { server, anne, paul, conversation, ctx, call, list } = await paulSignedIn();
    server.addMessage(conversation.id, anne, 'un');
    await call('sync.now');
    await ctx.active!.engine.applyLive([{ type: 'read', conversationId: conversation.id, userId: paul.id, seq: 1 }]);
    expect((await list())[0]?.read).toBe(true);
  });

  it('deletes entries and ages them out by TTL', async () => {
    const { server, anne, conversation, ctx, call, list } = await paulSignedIn();
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
