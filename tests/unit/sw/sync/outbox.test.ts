import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../src/shared/ids.ts';
import { RelaisDb } from '../../../../src/sw/store/db.ts';
import { enqueueMessage, enqueueReadMark, requeueMessage } from '../../../../src/sw/sync/outbox.ts';
import { freshIdb, pendingMessage } from '../kit/device.ts';
import { userNamed } from '../kit/model.ts';

const anne = userNamed('anne', 'Dr Anne Martin');

describe('outbox.enqueueMessage()', () => {
  it('writes the pending message and its outbox entry together', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const message = pendingMessage(newId(), anne, 'Bonjour');
    await enqueueMessage(db, message, 10);
    expect(await db.messages.get(message.messageId)).toEqual(message);
    const entries = await db.outbox.toArray();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ id: message.messageId, kind: 'message.send', attempts: 0, createdAt: 10 });
    expect(entries[0]!.args).toEqual({ conversationId: message.conversationId, messageId: message.messageId, body: 'Bonjour' });
  });

  it('leaves neither the message nor the entry when the outbox write fails', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    db.outbox.hook('creating', () => {
      throw new Error('quota exceeded');
    });
    const message = pendingMessage(newId(), anne, 'Bonjour');
    await expect(enqueueMessage(db, message, 10)).rejects.toThrow();
    expect(await db.messages.get(message.messageId)).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
  });

  it('leaves neither when the surrounding transaction aborts', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const message = pendingMessage(newId(), anne, 'Bonjour');
    await expect(
      db.transaction('rw', db.messages, db.outbox, async () => {
        await enqueueMessage(db, message, 10);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.messages.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('outbox.requeueMessage()', () => {
  it('puts a failed message back as pending with the same id and one entry', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const message = { ...pendingMessage(newId(), anne, 'Bonjour'), status: 'failed' as const, errorCode: 'conversation_not_found' as const };
    await db.messages.put(message);
    const requeued = await requeueMessage(db, message.messageId, 20);
    expect(requeued?.status).toBe('pending');
    expect(requeued?.errorCode).toBeUndefined();
    await requeueMessage(db, message.messageId, 21);
    const entries = await db.outbox.toArray();
    expect(entries.map((entry) => entry.id)).toEqual([message.messageId]);
  });
});

describe('outbox.enqueueReadMark()', () => {
  it('keeps one entry per conversation with the highest seq', async () => {
    const db = new RelaisDb(anne.id, freshIdb());
    const conversationId = newId();
    const other = newId();
    await enqueueReadMark(db, { conversationId, userId: anne.id, seq: 3 }, 1);
    await enqueueReadMark(db, { conversationId, userId: anne.id, seq: 7 }, 2);
    await enqueueReadMark(db, { conversationId, userId: anne.id, seq: 5 }, 3);
    await enqueueReadMark(db, { conversationId: other, userId: anne.id, seq: 2 }, 4);
    const entries = await db.outbox.toArray();
    const marks = entries.map((entry) => entry.args);
    expect(marks).toHaveLength(2);
    expect(marks).toContainEqual({ conversationId, seq: 7 });
    expect(marks).toContainEqual({ conversationId: other, seq: 2 });
    expect((await db.reads.get([conversationId, anne.id]))?.seq).toBe(7);
  });
});
