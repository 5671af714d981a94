import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Change } from '../../../src/shared/model.ts';
import { loadConfig } from '../../../src/server/config.ts';
import { trimConversation } from '../../../src/server/messaging/retention.ts';
import { sweepStorage, UPLOAD_GRACE_DAYS } from '../../../src/server/messaging/storage-sweep.ts';
import { quotaUsed } from '../../../src/server/store/blobs.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { everythingStored, startGateway, type ApiClient, type StartedGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * Files and erasure: uploads streamed to disk under a per-user quota, files released when nothing
 * references them, delete for everyone taking the content off the server, idempotency records that
 * expire.
 */

const DB = 23;
const DAY = 24 * 60 * 60 * 1000;
const QUOTA = 3000;
let blobDir: string;

beforeAll(async () => {
  blobDir = await mkdtemp(join(tmpdir(), 'relais-storage-'));
});

afterAll(async () => {
  await rm(blobDir, { recursive: true, force: true });
});

const started = useGateway({ db: DB, uploadMaxBytes: 64 * 1024, uploadQuotaBytes: QUOTA }, () => ({ blobDir }));
const { redis } = started;
const sweepConfig = () => ({ blobDir, dedupeDays: 30, feedMaxEntries: 10_000 });

/** A PNG signature and IHDR chunk (what file-type reads), then `extra` bytes made from `seed`. */
function pngBytes(extra: number, seed = 0): Uint8Array<ArrayBuffer> {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];
  const bytes = new Uint8Array(head.length + extra);
  bytes.set(head);
  for (let i = head.length; i < bytes.length; i++) bytes[i] = (i + seed) % 251;
  return bytes;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const onDisk = (id: string) => readFile(join(blobDir, id.slice(0, 2), id)).then(() => true, () => false);
const temporaryFiles = async () => (await readdir(blobDir)).filter((name) => name.endsWith('.tmp'));

async function upload(api: ApiClient, conversationId: string, bytes: Uint8Array<ArrayBuffer>, base = started.url) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'image/png' }), 'scan.png');
  const response = await fetch(`${base}/api/attachments?conversationId=${conversationId}`, {
    method: 'POST',
    headers: { cookie: api.cookie, origin: base },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as { id?: string; error?: { code: string } } };
}

async function sendWithFile(api: ApiClient, conversationId: string, body: string, bytes: Uint8Array<ArrayBuffer>) {
  const messageId = newId();
  const attachments = [{ id: sha(bytes), name: 'scan.png', mime: 'image/png', size: bytes.length }];
  const [sent] = await api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body, attachments } }]);
  return sent;
}

describe('uploads', () => {
  it('stream to a temporary file of the blob directory as they arrive, removed when the upload is cut', async () => {
    const { anne, conversationId } = await started.pair();
    const boundary = 'relais-test-boundary';
    const url = new URL(`${started.url}/api/attachments?conversationId=${conversationId}`);
    const request = httpRequest(url, {
      method: 'POST',
      headers: { cookie: anne.api.cookie, origin: started.url, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    request.on('error', () => undefined);
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`);
    request.write(pngBytes(40_000));
    // The first 40 KB are on disk while the rest has not been sent: nothing waits for the whole file.
    await vi.waitFor(async () => expect(await temporaryFiles()).toHaveLength(1), { timeout: 5_000 });
    request.destroy();
    await vi.waitFor(async () => expect(await temporaryFiles()).toEqual([]), { timeout: 5_000 });
  });

  it('leave no file behind when refused for their size or type', async () => {
    const { anne, conversationId } = await started.pair();
    const before = await readdir(blobDir, { recursive: true });
    const big = pngBytes(64 * 1024 + 10);
    expect((await upload(anne.api, conversationId, big)).body.error?.code).toBe('file_too_large');
    const text = new TextEncoder().encode('x'.repeat(5000));
    expect((await upload(anne.api, conversationId, text)).body.error?.code).toBe('file_type_refused');
    expect(await readdir(blobDir, { recursive: true })).toEqual(before);
  });

  it('are charged to the uploader up to the quota (413 quota_exceeded), on every gateway, and released with their conversation', async () => {
    const { anne, karim, conversationId } = await started.pair();
    const [a, b, c] = [pngBytes(1000, 1), pngBytes(1000, 2), pngBytes(1500, 3)];
    expect((await upload(anne.api, conversationId, a)).status).toBe(200);
    expect((await upload(anne.api, conversationId, b)).status).toBe(200);
    // The same file again in the same conversation costs nothing more.
    expect((await upload(anne.api, conversationId, a)).status).toBe(200);
    expect(await quotaUsed(redis, anne.user.id)).toBe(a.length + b.length);
    const refused = await upload(anne.api, conversationId, c);
    expect(refused).toEqual({ status: 413, body: { error: { code: 'quota_exceeded', message: expect.any(String) } } });
    expect(await onDisk(sha(c))).toBe(false);
    // The count is in Redis: another gateway refuses too; another user has their own quota.
    const other: StartedGateway = await startGateway({ db: DB, blobDir, uploadQuotaBytes: QUOTA });
    try {
      expect((await upload(anne.api, conversationId, c, other.url)).body.error?.code).toBe('quota_exceeded');
    } finally {
      await other.close();
    }
    expect((await upload(karim.api, conversationId, c)).status).toBe(200);
    expect((await sendWithFile(anne.api, conversationId, 'radio', a))?.ok).toBe(true);

    const [deleted] = await anne.api.push([{ id: newId(), kind: 'conversation.delete', args: { conversationId } }]);
    expect(deleted?.ok).toBe(true);
    await sweepStorage(redis, sweepConfig(), Date.now());

    expect(await quotaUsed(redis, anne.user.id)).toBe(0);
    expect(await quotaUsed(redis, karim.user.id)).toBe(0);
    for (const bytes of [a, b, c]) expect(await onDisk(sha(bytes))).toBe(false);
    expect(await redis.exists(KEYS.convBlobs(conversationId), KEYS.convBlobOwners(conversationId), KEYS.blobRef(sha(a)))).toBe(0);
    // With her bytes given back, Anne may upload what was refused.
    const next = newId();
    await anne.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId: next, participantIds: [karim.user.id], title: 'Suite' } }]);
    expect((await upload(anne.api, next, c)).status).toBe(200);
  });

  it('downloads are never cached (no-store), whoever asks', async () => {
    const { anne, karim, conversationId } = await started.pair();
    const bytes = pngBytes(200, 9);
    expect((await upload(anne.api, conversationId, bytes)).status).toBe(200);
    const response = await fetch(`${started.url}/api/attachments/${conversationId}/${sha(bytes)}`, { headers: { cookie: karim.api.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('the blob sweep', () => {
  it('keeps a file shared with a live conversation, and removes one no message names any more once the grace has passed', async () => {
    const { anne, conversationId } = await started.pair();
    const { anne: paul, conversationId: other } = await started.pair();
    const shared = pngBytes(300, 11);
    const orphan = pngBytes(300, 12);
    expect((await upload(anne.api, conversationId, shared)).status).toBe(200);
    expect((await upload(paul.api, other, shared)).status).toBe(200);
    expect((await upload(anne.api, conversationId, orphan)).status).toBe(200);
    expect((await sendWithFile(anne.api, conversationId, 'vieux message', shared))?.ok).toBe(true);
    expect((await sendWithFile(paul.api, other, 'gardé', shared))?.ok).toBe(true);

    // Within the grace an unsent file stays (its message may still come from an offline device).
    await sweepStorage(redis, sweepConfig(), Date.now() + (UPLOAD_GRACE_DAYS - 1) * DAY);
    expect(await onDisk(sha(orphan))).toBe(true);
    // Past it, the file no message names goes; the named ones are marked so (no log read next time).
    await sweepStorage(redis, sweepConfig(), Date.now() + (UPLOAD_GRACE_DAYS + 1) * DAY);
    expect(await onDisk(sha(orphan))).toBe(false);
    expect(await quotaUsed(redis, anne.user.id)).toBe(shared.length);
    expect(await redis.hget(KEYS.convBlobOwners(conversationId), `${sha(shared)}:${anne.user.id}`)).toMatch(/^named:\d+$/);
    // Retention trims Anne's message: her conversation no longer names the shared file.
    expect(await trimConversation(redis, conversationId, Date.now() + 1)).toBe(1);
    await sweepStorage(redis, sweepConfig(), Date.now() + (UPLOAD_GRACE_DAYS + 2) * DAY);

    expect(await quotaUsed(redis, anne.user.id)).toBe(0);
    // Paul's conversation still holds the shared file: on disk, readable there, charged to him.
    expect(await onDisk(sha(shared))).toBe(true);
    expect(await quotaUsed(redis, paul.user.id)).toBe(shared.length);
    expect(await redis.hget(KEYS.convBlobs(conversationId), sha(shared))).toBeNull();
    expect(await redis.hget(KEYS.convBlobs(other), sha(shared))).toBe('image/png');
  });
});

describe('delete for everyone', () => {
  it('leaves no text of the conversation in any Redis key, and a content-free tombstone for each seq', async () => {
    const anne = await started.signIn();
    const karim = await started.signIn();
    const conversationId = newId();
    const secret = `Diagnostic confidentiel ${newId()}`;
    const patient = `Patient ${newId()}`;
    const [created] = await anne.api.push([
      {
        id: newId(),
        kind: 'conversation.create',
        args: { conversationId, participantIds: [karim.user.id], title: `Dossier ${patient}`, patient: { nationalId: '1850712345678', displayName: patient } },
      },
    ]);
    expect(created?.ok).toBe(true);
    const seqs: number[] = [];
    for (const body of [secret, `${secret} (suite)`, 'merci']) {
      const messageId = newId();
      const [sent] = await (body === 'merci' ? karim : anne).api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body } }]);
      seqs.push((sent?.result as { seq: number }).seq);
    }
    const [renamed] = await anne.api.push([{ id: newId(), kind: 'conversation.rename', args: { conversationId, title: `Suivi ${patient}` } }]);
    expect(renamed?.ok).toBe(true);
    expect(await everythingStored(redis)).toContain(secret);

    const deleteId = newId();
    const [deleted] = await anne.api.push([{ id: deleteId, kind: 'conversation.delete', args: { conversationId } }]);
    expect(deleted?.ok).toBe(true);

    const stored = await everythingStored(redis);
    for (const text of [secret, patient, '1850712345678', 'merci']) expect(stored).not.toContain(text);
    // Karim's device, pulling from scratch, gets one tombstone per seq, then the delete.
    const pulled = (await karim.api.get('/api/sync/pull')).body as { changes: Change[] };
    const messages = pulled.changes.flatMap((c) => (c.type === 'message' && c.message.conversationId === conversationId ? [c.message] : []));
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    for (const message of messages) expect(message).toMatchObject({ conversationId, body: '', urgent: false, serverTime: expect.any(Number) });
    expect(messages.every((m) => m.serverTime > 1_600_000_000_000)).toBe(true);
    expect(messages.every((m) => m.kind === undefined && m.attachments === undefined && m.system === undefined)).toBe(true);
    expect(pulled.changes.at(-1)).toEqual({ type: 'conversation.deleted', conversationId, by: anne.user.id });
    // Replaying the delete still answers what it answered.
    const [replayed] = await anne.api.push([{ id: deleteId, kind: 'conversation.delete', args: { conversationId } }]);
    expect(replayed).toEqual(deleted);
  });
});

describe('idempotency records', () => {
  it('expire after RELAIS_DEDUPE_DAYS (default 30); a message replayed after that still answers its seq, from the id index', async () => {
    expect(loadConfig({}).storage).toEqual({ dedupeDays: 30, feedMaxEntries: 10_000 });
    expect(loadConfig({ RELAIS_DEDUPE_DAYS: '7', RELAIS_FEED_MAX_ENTRIES: '500' }).storage).toEqual({ dedupeDays: 7, feedMaxEntries: 500 });
    const { anne, conversationId } = await started.pair();
    const messageId = newId();
    const mutation = { id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'une fois' } };
    const [first] = await anne.api.push([mutation]);
    const seq = (first?.result as { seq: number }).seq;

    await sweepStorage(redis, sweepConfig(), Date.now() + 29 * DAY);
    const [within] = await anne.api.push([mutation]);
    expect((within?.result as { seq: number }).seq).toBe(seq);
    expect(await redis.hlen(KEYS.convDedupe(conversationId))).toBeGreaterThan(0);

    await sweepStorage(redis, sweepConfig(), Date.now() + 31 * DAY);
    expect(await redis.hexists(KEYS.convDedupe(conversationId), `${anne.user.id}:${messageId}`)).toBe(0);
    const [after] = await anne.api.push([mutation]);
    expect(after).toEqual(first);
  });

  it('gives a record stored without its time the time of the sweep that first sees it', async () => {
    const { conversationId } = await started.pair();
    await redis.hset(KEYS.convDedupe(conversationId), 'someone:legacy', '{"seq":1,"serverTime":1}');
    const now = Date.now();
    await sweepStorage(redis, sweepConfig(), now);
    expect(await redis.hget(KEYS.convDedupe(conversationId), 'someone:legacy')).toBe(`${Math.floor(now / 1000)} {"seq":1,"serverTime":1}`);
    await sweepStorage(redis, sweepConfig(), now + 31 * DAY);
    expect(await redis.hexists(KEYS.convDedupe(conversationId), 'someone:legacy')).toBe(0);
  });
});
