import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { FunctionDetailReply } from '../../../src/shared/oncall.ts';
import { DEFAULT_PREFERENCES, type PushPayload } from '../../../src/shared/push.ts';
import type { PushService } from '../../../src/server/push/index.ts';
import { PUSH_KEYS } from '../../../src/server/push/keys.ts';
import { listSubscriptions } from '../../../src/server/push/subscriptions.ts';
import { connectedAnywhere } from '../../../src/server/realtime/presence.ts';
import { ApiClient, LiveClient, startGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';
import { PushSink } from './push-sink.ts';

/** Web Push from the gateway to a local push service that checks VAPID and decrypts the payload. */

const DB = 14;
const SUBJECT = 'mailto:ops@clinique.example';
let push: PushService;
let sink: PushSink;

beforeAll(async () => {
  sink = new PushSink();
  await sink.start();
});

afterAll(async () => {
  await sink?.stop();
});

const started = useGateway({ db: DB }, () => ({
  push: {
    config: { subject: SUBJECT, escalationTickSeconds: 15 },
    allowHttpEndpoints: true,
    manualEscalations: true,
    sleep: async () => undefined,
    onStarted: (service) => (push = service),
  },
}));
const { redis } = started;

afterEach(() => {
  sink.received.length = 0;
  sink.replies.length = 0;
});

async function subscribe(api: ApiClient, deviceId = 'tablet-1') {
  const subscription = sink.subscription();
  const reply = await api.request('POST', '/api/push/subscription', { body: { deviceId, subscription } });
  expect(reply.status).toBe(204);
  return subscription;
}

async function send(api: ApiClient, conversationId: string, body: string, urgent = false): Promise<string> {
  const messageId = newId();
  const [result] = await api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body, urgent } }]);
  expect(result?.ok).toBe(true);
  await push.notifier.whenIdle();
  return messageId;
}

describe('GET /api/push/key', () => {
  it('answers one VAPID public key, kept in Redis for every gateway', async () => {
    const { anne } = await started.pair();
    const reply = await anne.api.get('/api/push/key');
    expect(reply.status).toBe(200);
    const { publicKey } = reply.body as { publicKey: string };
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    const second = await startGateway({ db: DB, push: { manualEscalations: true } });
    try {
      const other = new ApiClient(second.url);
      other.cookie = anne.api.cookie;
      expect(((await other.get('/api/push/key')).body as { publicKey: string }).publicKey).toBe(publicKey);
    } finally {
      await second.close();
    }
    expect(JSON.parse((await redis.get(PUSH_KEYS.vapid)) ?? '{}')).toMatchObject({ publicKey });
  });

  it('refuses anonymous callers', async () => {
    expect((await new ApiClient(started.url).get('/api/push/key')).status).toBe(401);
  });
});

describe('push for a new message', () => {
  it('reaches a user with no live connection: VAPID-signed, encrypted, ids and a name but no text', async () => {
    const { anne, karim, conversationId } = await started.pair();
    await subscribe(karim.api);
    const messageId = await send(anne.api, conversationId, 'Le patient de la 12 a de la fièvre');
    const received = await sink.next();
    expect(received.claims).toMatchObject({ aud: sink.origin, sub: SUBJECT });
    expect(received.vapidPublicKey).toBe(((await karim.api.get('/api/push/key')).body as { publicKey: string }).publicKey);
    expect(received.urgency).toBe('normal');
    expect(received.ttl).toBe('86400');
    const payload = received.payload as PushPayload;
    expect(payload).toMatchObject({ v: 1, kind: 'message', userId: karim.user.id, conversationId, messageId, seq: 1, urgent: false });
    expect(payload.senderName).toMatch(/^Test /);
    expect(payload.body).toBeUndefined();
    expect(received.plaintext).not.toContain('fièvre');
  });

  it('carries the text when the recipient enabled previews', async () => {
    const { anne, karim, conversationId } = await started.pair();
    await subscribe(karim.api);
    const saved = await karim.api.request('PUT', '/api/preferences', { body: { preferences: { ...DEFAULT_PREFERENCES, showPreview: true } } });
    expect(saved.status).toBe(200);
    await send(anne.api, conversationId, 'Résultats disponibles');
    expect(((await sink.next()).payload as PushPayload).body).toBe('Résultats disponibles');
  });

  it('does not push an ordinary message to a user with a live socket, but always pushes an urgent one (Urgency high, short TTL)', async () => {
    const { anne, karim, conversationId } = await started.pair();
    await subscribe(karim.api);
    const live = await LiveClient.open(started.url, karim.api.cookie);
    try {
      await send(anne.api, conversationId, 'ordinaire');
      expect(sink.received).toHaveLength(0);
      const urgentId = await send(anne.api, conversationId, 'urgent', true);
      const received = await sink.next();
      expect(received.payload).toMatchObject({ kind: 'message', messageId: urgentId, urgent: true });
      expect(received.urgency).toBe('high');
      expect(received.ttl).toBe('60');
      expect(sink.received).toHaveLength(1);
    } finally {
      live.close();
    }
  });

  it('sees a live socket held by another gateway (presence is shared through Redis)', async () => {
    const { anne, karim, conversationId } = await started.pair();
    await subscribe(karim.api);
    const second = await startGateway({ db: DB, push: { manualEscalations: true } });
    const live = await LiveClient.open(second.url, karim.api.cookie);
    try {
      await expect.poll(async () => connectedAnywhere(redis, [karim.user.id], Date.now())).toEqual([true]);
      await send(anne.api, conversationId, 'vu ailleurs');
      expect(sink.received).toHaveLength(0);
    } finally {
      live.close();
      await second.close();
    }
  });

  it('respects a muted conversation and quiet hours, except for urgent messages', async () => {
    const { anne, karim, conversationId } = await started.pair();
    await subscribe(karim.api);
    await karim.api.request('PUT', '/api/preferences', { body: { preferences: { ...DEFAULT_PREFERENCES, muted: [conversationId] } } });
    await send(anne.api, conversationId, 'muet');
    expect(sink.received).toHaveLength(0);
    const allDay = { start: '00:00', end: '23:59', timeZone: 'UTC' };
    await karim.api.request('PUT', '/api/preferences', { body: { preferences: { ...DEFAULT_PREFERENCES, quietHours: allDay } } });
    await send(anne.api, conversationId, 'la nuit');
    // 23:59 → 00:00 UTC is outside these quiet hours; anywhere else in the day the push is held back.
    const minute = new Date().getUTCHours() * 60 + new Date().getUTCMinutes();
    expect(sink.received).toHaveLength(minute === 23 * 60 + 59 ? 1 : 0);
    sink.received.length = 0;
    await send(anne.api, conversationId, 'urgent la nuit', true);
    expect((await sink.next()).payload).toMatchObject({ urgent: true });
  });
});

describe('push service answers', () => {
  it('removes the subscription when the push service answers 410 Gone', async () => {
    const { anne, karim, conversationId } = await started.pair();
    await subscribe(karim.api);
    expect(await listSubscriptions(redis, karim.user.id)).toHaveLength(1);
    sink.replies.push(410);
    await send(anne.api, conversationId, 'parti');
    expect(await listSubscriptions(redis, karim.user.id)).toHaveLength(0);
  });

  it('retries after 429 and 503, then delivers', async () => {
    const { anne, karim, conversationId } = await started.pair();
    await subscribe(karim.api);
    sink.replies.push(429, 503);
    const messageId = await send(anne.api, conversationId, 'patience');
    expect((await sink.next()).payload).toMatchObject({ messageId });
    expect(await listSubscriptions(redis, karim.user.id)).toHaveLength(1);
  });

  it('keeps one subscription per device and refuses malformed ones with bad_request', async () => {
    const { karim } = await started.pair();
    await subscribe(karim.api, 'tablet-9');
    const latest = await subscribe(karim.api, 'tablet-9');
    expect((await listSubscriptions(redis, karim.user.id)).map((s) => s.endpoint)).toEqual([latest.endpoint]);
    const bad = await karim.api.request('POST', '/api/push/subscription', {
      body: { deviceId: 'x', subscription: { endpoint: 'ftp://nowhere', keys: { p256dh: 'a', auth: 'b' } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'bad_request' } });
    const gone = await karim.api.request('DELETE', '/api/push/subscription', { body: { deviceId: 'tablet-9' } });
    expect(gone.status).toBe(204);
    expect(await listSubscriptions(redis, karim.user.id)).toHaveLength(0);
  });

  it('moves an endpoint to the user who subscribed last on a shared tablet', async () => {
    const { anne, karim } = await started.pair();
    const subscription = await subscribe(anne.api, 'shared');
    await karim.api.request('POST', '/api/push/subscription', { body: { deviceId: 'shared', subscription } });
    expect(await listSubscriptions(redis, anne.user.id)).toHaveLength(0);
    expect(await listSubscriptions(redis, karim.user.id)).toHaveLength(1);
  });
});

describe('preferences', () => {
  it('are kept per user and reach the other devices live', async () => {
    const { karim } = await started.pair();
    expect((await karim.api.get('/api/preferences')).body).toEqual({ preferences: DEFAULT_PREFERENCES });
    const live = await LiveClient.open(started.url, karim.api.cookie);
    try {
      const preferences = { ...DEFAULT_PREFERENCES, sound: false, lang: 'en' as const };
      expect((await karim.api.request('PUT', '/api/preferences', { body: { preferences } })).status).toBe(200);
      expect(await live.next((f) => f.type === 'preferences')).toMatchObject({ preferences });
      expect((await karim.api.get('/api/preferences')).body).toEqual({ preferences });
    } finally {
      live.close();
    }
  });

  it('refuses invalid preferences with bad_request and keeps the old ones', async () => {
    const { karim } = await started.pair();
    const reply = await karim.api.request('PUT', '/api/preferences', { body: { preferences: { ...DEFAULT_PREFERENCES, quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } } } });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: { code: 'bad_request' } });
    expect((await karim.api.get('/api/preferences')).body).toEqual({ preferences: DEFAULT_PREFERENCES });
  });

  it('refuses a preferences body with anything beside the preferences, and saves nothing', async () => {
    const { karim } = await started.pair();
    const reply = await karim.api.request('PUT', '/api/preferences', { body: { preferences: { ...DEFAULT_PREFERENCES, sound: false }, userId: 'someone-else' } });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: { code: 'bad_request' } });
    expect((await karim.api.get('/api/preferences')).body).toEqual({ preferences: DEFAULT_PREFERENCES });
  });
});

describe('push for calls', () => {
  it('rings a callee with no open tab (Urgency high, short TTL), then tells them of the missed call', async () => {
    const { anne, karim, conversationId } = await started.pair();
    await subscribe(karim.api);
    const live = await LiveClient.open(started.url, anne.api.cookie);
    try {
      const callId = newId();
      live.send({ type: 'call.invite', callId, conversationId, calleeId: karim.user.id, partyId: newId(), video: true });
      const ringing = await sink.next((p) => (p.payload as PushPayload).kind === 'call');
      expect(ringing.payload).toMatchObject({ kind: 'call', callId, conversationId, userId: karim.user.id, urgent: true });
      expect(ringing.payload).not.toHaveProperty('functionName');
      expect((ringing.payload as PushPayload).senderName).toMatch(/^Test /);
      expect(ringing.urgency).toBe('high');
      expect(ringing.ttl).toBe('60');
      // No device of the callee answers the ring: the call ends unanswered and a missed call is pushed.
      const missed = await sink.next((p) => (p.payload as PushPayload).kind === 'missed_call', 15_000);
      expect(missed.payload).toMatchObject({ kind: 'missed_call', callId, conversationId, userId: karim.user.id });
    } finally {
      live.close();
    }
  });

  it("names the function a call rings its holder for, as the gateway's rota resolved it", async () => {
    const { anne, karim, conversationId } = await started.pair();
    await subscribe(karim.api);
    const admin = await started.signIn('admin');
    const name = `Médecin de garde — Médecine ${newId().slice(-4)}`;
    const created = await admin.api.request('POST', '/api/admin/functions', { body: { name, eligibleRoles: [karim.user.role] } });
    expect(created.status).toBe(201);
    const functionId = (created.body as FunctionDetailReply).function.id;
    const now = Date.now();
    const override = await admin.api.request('POST', `/api/admin/functions/${functionId}/overrides`, { body: { from: now - 3_600_000, to: now + 3_600_000, userId: karim.user.id } });
    expect(override.status).toBe(201);
    const live = await LiveClient.open(started.url, anne.api.cookie);
    try {
      const callId = newId();
      const partyId = newId();
      live.send({ type: 'call.invite', callId, conversationId, functionId, partyId, video: true });
      const ringing = await sink.next((p) => (p.payload as PushPayload).kind === 'call' && (p.payload as PushPayload).callId === callId);
      expect(ringing.payload).toMatchObject({ kind: 'call', callId, conversationId, userId: karim.user.id, functionName: name });
      live.send({ type: 'call.hangup', callId, partyId });
    } finally {
      live.close();
    }
  });
});
