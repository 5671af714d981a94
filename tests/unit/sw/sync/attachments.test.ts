import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../../../src/shared/api-client.ts';
import { newId } from '../../../../src/shared/ids.ts';
import type { LocalMessage } from '../../../../src/shared/local-model.ts';
import type { MessageSendArgs } from '../../../../src/shared/mutations.ts';
import { RelaisDb } from '../../../../src/sw/store/db.ts';
import { stageFiles, uploadStagedFiles } from '../../../../src/sw/sync/attachments.ts';
import { enqueueMessage } from '../../../../src/sw/sync/outbox.ts';
import { freshIdb } from '../kit/device.ts';

describe('files attached offline', () => {
  const conversationId = newId();
  const userId = newId();
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]).buffer;

  async function queued(db: RelaisDb): Promise<LocalMessage> {
    const messageId = newId();
    const attachments = await stageFiles(db, { messageId, conversationId }, [{ name: 'radio.png', mime: 'image/png', bytes: png }]);
    const message: LocalMessage = { conversationId, messageId, seq: null, senderId: userId, body: '', urgent: false, time: 1, status: 'pending', attachments };
    await enqueueMessage(db, message, 1);
    return message;
  }

  it('keeps the bytes in the store, uploads them before the message and names the file by its server id', async () => {
    const db = new RelaisDb(userId, freshIdb());
    const message = await queued(db);
    const uploaded: Uint8Array[] = [];
    const fetch = async (url: string, init?: RequestInit) => {
      expect(url).toBe(`http://relais.test/api/attachments?conversationId=${conversationId}`);
      const file = (init?.body as FormData).get('file') as Blob;
      uploaded.push(new Uint8Array(await file.arrayBuffer()));
      return new Response(JSON.stringify({ id: 'c'.repeat(64), mime: 'image/png', size: 7 }), { status: 200 });
    };
    const entries = await db.outbox.toArray();
    const outcome = await uploadStagedFiles(db, new ApiClient({ fetch, baseUrl: 'http://relais.test' }), entries);
    expect(outcome).toEqual({ transientCode: null, expired: false, dropped: 0 });
    expect(uploaded).toEqual([new Uint8Array(png)]);
    const [entry] = await db.outbox.toArray();
    expect((entry?.args as MessageSendArgs).attachments).toEqual([{ id: 'c'.repeat(64), name: 'radio.png', mime: 'image/png', size: 7 }]);
    expect((await db.messages.get(message.messageId))?.attachments?.[0]).toMatchObject({ id: 'c'.repeat(64), localId: expect.any(String) });
  });

  it('keeps everything for later when the network is down', async () => {
    const db = new RelaisDb(userId, freshIdb());
    await queued(db);
    const fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    const outcome = await uploadStagedFiles(db, new ApiClient({ fetch, baseUrl: 'http://relais.test' }), await db.outbox.toArray());
    expect(outcome.transientCode).toBe('offline');
    expect(await db.outbox.count()).toBe(1);
    expect(await db.files.count()).toBe(1);
  });

  it('fails the message (not the batch) when the server refuses the file', async () => {
    const db = new RelaisDb(userId, freshIdb());
    const message = await queued(db);
    const fetch = async () => new Response(JSON.stringify({ error: { code: 'file_type_refused', message: 'x' } }), { status: 415 });
    const outcome = await uploadStagedFiles(db, new ApiClient({ fetch, baseUrl: 'http://relais.test' }), await db.outbox.toArray());
    expect(outcome.dropped).toBe(1);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.messages.get(message.messageId)).toMatchObject({ status: 'failed', errorCode: 'file_type_refused' });
  });

  it("fails the message with quota_exceeded when the uploader's storage quota is full (not retried)", async () => {
    const db = new RelaisDb(userId, freshIdb());
    const message = await queued(db);
    const fetch = async () => new Response(JSON.stringify({ error: { code: 'quota_exceeded', message: 'x' } }), { status: 413 });
    const outcome = await uploadStagedFiles(db, new ApiClient({ fetch, baseUrl: 'http://relais.test' }), await db.outbox.toArray());
    expect(outcome).toMatchObject({ transientCode: null, dropped: 1 });
    expect(await db.messages.get(message.messageId)).toMatchObject({ status: 'failed', errorCode: 'quota_exceeded' });
  });
});
