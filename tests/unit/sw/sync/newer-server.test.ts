import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { systemText } from '../../../../src/app/features/chat/system-text.ts';
import { newId } from '../../../../src/shared/ids.ts';
import type { Change, Message } from '../../../../src/shared/model.ts';
import { newDevice, serverWithConversation } from '../kit/device.ts';
import { swHarness } from '../kit/sw.ts';

/**
 * A service worker older than the gateway it talks to: the gateway sends kinds of system lines and
 * of changes this build does not know. They must never stop the pull, refuse a page or a live frame.
 */

/** A system line of a type no build knows yet, with fields of its own. */
function futureSystemLine(conversationId: string, senderId: string, seq: number): Message {
  const system = { type: 'message.edited.future', messageId: newId(), rev: 3 };
  return { conversationId, messageId: newId(), seq, senderId, body: '', serverTime: 5_000 + seq, urgent: false, kind: 'system', system: system as unknown as Message['system'] };
}

/** A change of a type no build knows yet. */
const futureChange = (conversationId: string) => ({ type: 'conversation.escalated.future', conversationId, level: 2 }) as unknown as Change;

describe('a pull from a newer server', () => {
  it('stores a system line of an unknown type as it came, skips an unknown change, moves the cursor and brings what follows', async () => {
    const { server, anne, paul, conversation } = serverWithConversation();
    server.pageSize = 2;
    const feed = server.feeds.get(anne.id)!;
    const line = futureSystemLine(conversation.id, paul.id, 1);
    server.logs.get(conversation.id)!.push(line);
    feed.push({ type: 'message', message: line }, futureChange(conversation.id));
    const after = server.addMessage(conversation.id, paul, 'après les nouveautés');
    const device = await newDevice(server, anne);

    await device.engine.pull();

    // conversation + line | unknown change + message: both pages applied, the cursor at the end.
    expect((await device.db.meta.get('cursor'))?.value).toBe('e1:4');
    expect(device.engine.state().lastErrorCode).toBeNull();
    const stored = await device.db.messages.get(line.messageId);
    expect(stored).toMatchObject({ kind: 'system', status: 'sent', seq: 1, system: line.system });
    // The conversation shows it as the neutral line.
    expect(systemText(stored?.system, () => '?')).toBe('Événement de la conversation');
    expect(await device.db.messages.get(after.messageId)).toMatchObject({ status: 'sent', body: 'après les nouveautés' });
    expect(await device.db.messages.count()).toBe(2);
  });

  it('still refuses a page whose change of a known type is malformed (the cursor stays)', async () => {
    const { server, anne, paul, conversation } = serverWithConversation();
    const broken = { ...server.addMessage(conversation.id, paul, 'ok'), seq: -1 };
    server.feeds.get(anne.id)!.splice(1, 1, { type: 'message', message: broken });
    const device = await newDevice(server, anne);
    await device.engine.pull();
    expect(await device.db.meta.get('cursor')).toBeUndefined();
    expect(device.engine.state().lastErrorCode).toBe('internal');
  });
});

describe('a live frame from a newer server', () => {
  it('is stored without its unknown changes, never refused', async () => {
    const { call, login, ctx, conversation, paul, server } = swHarness();
    await login('anne');
    const line = futureSystemLine(conversation.id, paul.id, 1);
    const message = server.addMessage(conversation.id, paul, 'en direct');
    const frame = { type: 'changes', changes: [{ type: 'message', message: line }, futureChange(conversation.id), { type: 'message', message: { ...message, seq: 2 } }] };
    expect(await call('live.frame', { frame })).toMatchObject({ ok: true });
    const db = ctx.active!.db;
    expect(await db.messages.get(line.messageId)).toMatchObject({ kind: 'system', system: line.system });
    expect(await db.messages.get(message.messageId)).toMatchObject({ status: 'sent', seq: 2 });
  });
});
