import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import { ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

const DB = 12;
const MAX = 64 * 1024;
let blobDir: string;

beforeAll(async () => {
  blobDir = await mkdtemp(join(tmpdir(), 'relais-blobs-'));
});

afterAll(async () => {
  await rm(blobDir, { recursive: true, force: true });
});

const started = useGateway({ db: DB, uploadMaxBytes: MAX }, () => ({ blobDir }));

/** The 8-byte PNG signature and an IHDR chunk: what file-type reads to say "image/png". */
function pngBytes(extra = 32): Uint8Array<ArrayBuffer> {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];
  const bytes = new Uint8Array(head.length + extra);
  bytes.set(head);
  for (let i = head.length; i < bytes.length; i++) bytes[i] = i % 251;
  return bytes;
}

async function upload(api: ApiClient, conversationId: string, bytes: Uint8Array<ArrayBuffer>, name: string, type: string) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const response = await fetch(`${api.baseUrl}/api/attachments?conversationId=${conversationId}`, {
    method: 'POST',
    headers: { cookie: api.cookie, origin: api.baseUrl },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as { id?: string; mime?: string; error?: { code: string } } };
}

describe('attachments', () => {
  it('stores an image content-addressed and gives the same bytes back to a participant', async () => {
    const { anne, karim, conversationId } = await started.pair();
    const bytes = pngBytes(1000);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const stored = await upload(anne.api, conversationId, bytes, 'radio.png', 'image/png');
    expect(stored).toEqual({ status: 200, body: { id: sha, mime: 'image/png', size: bytes.length } });
    expect(new Uint8Array(await readFile(join(blobDir, sha.slice(0, 2), sha)))).toEqual(bytes);
    const response = await fetch(`${started.url}/api/attachments/${conversationId}/${sha}`, { headers: { cookie: karim.api.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    const messageId = newId();
    const [sent] = await anne.api.push([
      {
        id: messageId,
        kind: 'message.send',
        args: { conversationId, messageId, body: 'voir image', attachments: [{ id: sha, name: 'radio.png', mime: 'image/png', size: bytes.length }] },
      },
    ]);
    expect(sent?.ok).toBe(true);
  });

  it('refuses the download to a non-participant with attachment_not_found', async () => {
    const { anne, conversationId } = await started.pair();
    const outsider = await started.signIn();
    const stored = await upload(anne.api, conversationId, pngBytes(), 'a.png', 'image/png');
    const response = await outsider.api.get(`/api/attachments/${conversationId}/${stored.body.id}`);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: { code: 'attachment_not_found' } });
    // Nor may a non-participant upload into it.
    expect((await upload(outsider.api, conversationId, pngBytes(), 'b.png', 'image/png')).body.error?.code).toBe('conversation_not_found');
  });

  it('refuses a file whose bytes are not an image or PDF, whatever its name and declared type', async () => {
    const { anne, conversationId } = await started.pair();
    const disguised = new TextEncoder().encode('#!/bin/sh\necho pwned\n');
    const refused = await upload(anne.api, conversationId, disguised, 'photo.png', 'image/png');
    expect(refused).toEqual({ status: 415, body: { error: { code: 'file_type_refused', message: expect.any(String) } } });
  });

  it('refuses a file over the configured size with file_too_large and stores nothing', async () => {
    const { anne, conversationId } = await started.pair();
    const big = pngBytes(MAX + 10);
    const refused = await upload(anne.api, conversationId, big, 'big.png', 'image/png');
    expect(refused.status).toBe(413);
    expect(refused.body.error?.code).toBe('file_too_large');
    const sha = createHash('sha256').update(big).digest('hex');
    await expect(readFile(join(blobDir, sha.slice(0, 2), sha))).rejects.toThrow();
  });

  it('refuses a message naming a file never uploaded to that conversation', async () => {
    const { anne, conversationId } = await started.pair();
    const messageId = newId();
    const [refused] = await anne.api.push([
      {
        id: messageId,
        kind: 'message.send',
        args: { conversationId, messageId, body: 'x', attachments: [{ id: 'a'.repeat(64), name: 'x.png', mime: 'image/png', size: 10 }] },
      },
    ]);
    expect(refused?.error?.code).toBe('attachment_not_found');
  });
});

describe('GET /api/stats', () => {
  it('counts sent, received, unread, active and archived conversations and the median response time', async () => {
    const { anne, karim, conversationId } = await started.pair();
    const say = async (who: ApiClient, body: string) => {
      const messageId = newId();
      await who.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body } }]);
    };
    await say(karim.api, 'question');
    await say(anne.api, 'réponse');
    await say(karim.api, 'merci');
    const stats = (await anne.api.get('/api/stats')).body;
    expect(stats).toMatchObject({ days: 30, sent: 1, received: 2, unread: 2, activeConversations: 1, archivedConversations: 0 });
    expect((stats as { medianResponseSeconds: number }).medianResponseSeconds).toBeGreaterThanOrEqual(0);
    await anne.api.push([{ id: newId(), kind: 'conversation.archive', args: { conversationId } }]);
    expect((await anne.api.get('/api/stats')).body).toMatchObject({ activeConversations: 0, archivedConversations: 1 });
    expect((await karim.api.get('/api/stats')).body).toMatchObject({ sent: 2, received: 1, medianResponseSeconds: expect.any(Number) });
  });
});
