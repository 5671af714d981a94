import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { Change } from '../../../src/shared/model.ts';
import { loadConfig } from '../../../src/server/config.ts';
import { sweepRetention } from '../../../src/server/messaging/retention.ts';
import { KEYS } from '../../../src/server/store/keys.ts';
import { signedInClient, type ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/** Server-side retention: off by default; when on, old messages leave the log, the rest stays whole. */

const RETENTION_DB = 9;
const DAY = 24 * 60 * 60 * 1000;
const started = useGateway({ db: RETENTION_DB });

async function send(
  api: ApiClient,
  conversationId: string,
  body: string,
  replyTo?: string,
): Promise<{ seq: number; serverTime: number; messageId: string } | { code: string }> {
  const messageId = newId();
  const args = { conversationId, messageId, body, ...(replyTo ? { replyTo: { messageId: replyTo } } : {}) };
  const reply = await api.request('POST', '/api/sync/push', {
    body: { deviceId: 'd', mutations: [{ id: messageId, kind: 'message.send', args }] },
  });
  const [result] = (reply.body as { results: ({ ok: true; result: { seq: number; serverTime: number } } | { ok: false; error: { code: string } })[] }).results;
  return result!.ok ? { ...result!.result, messageId } : result!.error;
}

async function sent(api: ApiClient, conversationId: string, body: string): Promise<{ seq: number; serverTime: number; messageId: string }> {
  const result = await send(api, conversationId, body);
  if ('code' in result) throw new Error(`send refused: ${result.code}`);
  return result;
}

async function history(api: ApiClient, conversationId: string): Promise<string[]> {
  const reply = await api.request('GET', `/api/conversations/${conversationId}/messages?limit=50`);
  return (reply.body as { messages: { body: string }[] }).messages.map((m) => m.body);
}

describe('server-side retention', () => {
  it('is off by default (RELAIS_RETENTION_DAYS unset) and then trims nothing', async () => {
    expect(loadConfig({}).retention).toEqual({ days: 0, sweepMinutes: 60 });
    expect(loadConfig({ RELAIS_RETENTION_DAYS: '90' }).retention?.days).toBe(90);
    expect(() => loadConfig({ RELAIS_RETENTION_DAYS: '-1' })).toThrow(/RELAIS_RETENTION_DAYS/);
    expect(await sweepRetention(started.gateway.redis, { days: 0 }, Date.now() + 1000 * DAY)).toBe(0);
  });

  it('trims messages older than the retention, keeping the conversation and younger messages, and seq goes on', async () => {
    const redis = started.gateway.redis as Redis; // a single Redis here, not a cluster
    const { api: anne } = await signedInClient(redis, started.url);
    const { api: paul, user: paulUser } = await signedInClient(redis, started.url);
    const conversationId = newId();
    const created = await anne.request('POST', '/api/sync/push', {
      body: { deviceId: 'd', mutations: [{ id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [paulUser.id] } }] },
    });
    expect(created.status).toBe(200);
    const old1 = await sent(anne, conversationId, 'ancien 1');
    await sent(anne, conversationId, 'ancien 2');
    // The cut falls strictly between the old and the young messages (Redis time has ms resolution).
    await new Promise((resolve) => setTimeout(resolve, 5));
    const cut = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const young = await sent(anne, conversationId, 'récent');
    expect(young.serverTime).toBeGreaterThan(cut);
    expect(old1.serverTime).toBeLessThan(cut);

    const trimmed = await sweepRetention(started.gateway.redis, { days: 30 }, cut + 30 * DAY);

    expect(trimmed).toBe(2);
    expect(await history(paul, conversationId)).toEqual(['récent']);
    // A device syncing from scratch still gets the conversation and what is kept.
    const pull = await paul.request('GET', '/api/sync/pull');
    const changes = (pull.body as { changes: Change[] }).changes;
    expect(changes.some((c) => c.type === 'conversation' && c.conversation.id === conversationId)).toBe(true);
    const bodies = changes.flatMap((c) => (c.type === 'message' ? [c.message.body] : []));
    expect(bodies).toEqual(['récent']);
    // A second sweep at the same time has nothing left to do; new messages keep their seq order.
    expect(await sweepRetention(started.gateway.redis, { days: 30 }, cut + 30 * DAY)).toBe(0);
    expect((await sent(anne, conversationId, 'suivant')).seq).toBe(young.seq + 1);
    // The trimmed messages leave the message-id index: they can no longer be quoted; the kept one can.
    expect(await redis.hexists(KEYS.convMessageIds(conversationId), old1.messageId)).toBe(0);
    expect(await redis.hexists(KEYS.convMessageIds(conversationId), young.messageId)).toBe(1);
    expect(await send(paul, conversationId, 're', old1.messageId)).toEqual({ code: 'reply_not_found' });
    expect(await send(paul, conversationId, 're', young.messageId)).toMatchObject({ seq: young.seq + 2 });
  });
});
