import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallHistoryReply, CallStatsReply, IceServersReply } from '../../../src/shared/calls.ts';
import type { Change } from '../../../src/shared/model.ts';
import { ApiClient, type LiveClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';
import { CALLS_DB, directConversation, invite, nextCallFrame, person, callsConfig, ringingCall } from './calls-helpers.ts';

const opened: LiveClient[] = [];
const TURN_SECRET = 'coturn-static-auth-secret';

const gateway = useGateway({ db: CALLS_DB, calls: callsConfig({
    ringSeconds: 1,
    ackSeconds: 0.5,
    heartbeatTimeoutSeconds: 2,
    stunUrls: ['stun:stun.clinique.example:3478'],
    turnUrls: ['turn:turn.clinique.example:3478?transport=udp'],
    turnSecret: TURN_SECRET,
    turnTtlSeconds: 600,
  }) });
const { redis } = gateway;

afterEach(() => {
  for (const live of opened.splice(0)) live.close();
});

async function history(api: ApiClient): Promise<CallHistoryReply['calls']> {
  const reply = await api.get('/api/calls/history');
  expect(reply.status).toBe(200);
  return (reply.body as CallHistoryReply).calls;
}

describe('call outcomes, history and statistics', () => {
  it('ends an unanswered call as missed at the ring deadline and leaves a system message', async () => {
    const { anne, karim, conversationId, a, k, callId } = await ringingCall(redis, gateway.url, opened);
    k.live.send({ type: 'call.ringing', callId, partyId: k.partyId });

    expect(await nextCallFrame(a, 'call.ended', callId)).toMatchObject({ outcome: 'missed', reason: 'timeout' });
    expect(await nextCallFrame(k, 'call.ended', callId)).toMatchObject({ outcome: 'missed' });

    const pulled = await karim.api.get('/api/sync/pull');
    const changes = (pulled.body as { changes: Change[] }).changes;
    const system = changes.find((c) => c.type === 'message' && c.message.kind === 'system');
    expect(system).toMatchObject({
      type: 'message',
      message: { conversationId, senderId: anne.id, kind: 'system', system: { type: 'call.missed', callId } },
    });
    expect(await history(karim.api)).toMatchObject([{ callId, direction: 'incoming', peerId: anne.id, outcome: 'missed', durationSeconds: 0 }]);
    expect(await history(anne.api)).toMatchObject([{ callId, direction: 'outgoing', peerId: karim.id, outcome: 'missed' }]);
  });

  it('ends a call at once as unavailable when no callee device is online to ring', async () => {
    const anne = await person(redis, gateway.url, opened);
    const karim = await person(redis, gateway.url, opened);
    const conversationId = await directConversation(anne, karim);
    const a = await anne.device();
    const callId = invite(a, conversationId, karim.id);
    expect(await nextCallFrame(a, 'call.ended', callId)).toMatchObject({ outcome: 'unavailable', reason: 'no_device' });
    expect(await history(anne.api)).toMatchObject([{ callId, outcome: 'unavailable' }]);
  });

  it('records a completed call with its duration for both parties, and counts it in the stats', async () => {
    const { anne, karim, a, k, callId } = await ringingCall(redis, gateway.url, opened);
    k.live.send({ type: 'call.accept', callId, partyId: k.partyId });
    await nextCallFrame(a, 'call.accepted', callId);
    // Wait past one second of conversation, both parties beating.
    await new Promise((done) => setTimeout(done, 1_300));
    a.live.send({ type: 'call.heartbeat', callId, partyId: a.partyId });
    k.live.send({ type: 'call.heartbeat', callId, partyId: k.partyId });
    a.live.send({ type: 'call.hangup', callId, partyId: a.partyId });
    const ended = await nextCallFrame(k, 'call.ended', callId);
    expect(ended).toMatchObject({ outcome: 'completed' });
    expect(ended.durationSeconds).toBeGreaterThanOrEqual(1);

    for (const [api, direction] of [[anne.api, 'outgoing'], [karim.api, 'incoming']] as const) {
      const [entry] = await history(api);
      expect(entry).toMatchObject({ callId, direction, outcome: 'completed', durationSeconds: ended.durationSeconds });
      expect(entry!.answeredAt).not.toBeNull();
    }
    const stats = (await anne.api.get('/api/calls/stats')).body as CallStatsReply;
    expect(stats).toMatchObject({ days: 30, total: 1, totalDurationSeconds: ended.durationSeconds, averageDurationSeconds: ended.durationSeconds });
    expect(stats.byOutcome).toMatchObject({ completed: 1, missed: 0, declined: 0 });
  });

  it('ends an active call as failed when its parties stop beating (vanished sockets)', async () => {
    const { karim, a, k, callId } = await ringingCall(redis, gateway.url, opened);
    k.live.send({ type: 'call.accept', callId, partyId: k.partyId });
    await nextCallFrame(a, 'call.accepted', callId);
    // Nobody beats: the sweeper ends it after the heartbeat timeout.
    expect(await nextCallFrame(a, 'call.ended', callId, 10_000)).toMatchObject({ outcome: 'failed', reason: 'heartbeat_timeout' });
    expect((await history(karim.api))[0]).toMatchObject({ callId, outcome: 'failed' });
  });

  it('hands out STUN and time-limited TURN credentials in the coturn REST scheme', async () => {
    const anne = await person(redis, gateway.url, opened);
    const reply = await anne.api.get('/api/calls/ice-servers');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const body = reply.body as IceServersReply;
    expect(body.iceServers[0]).toEqual({ urls: ['stun:stun.clinique.example:3478'] });
    const turn = body.iceServers[1]!;
    const [expiry, userId] = turn.username!.split(':');
    expect(userId).toBe(anne.id);
    expect(Number(expiry) * 1000).toBe(body.expiresAt);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(500);
    expect(turn.credential).toBe(createHmac('sha1', TURN_SECRET).update(turn.username!).digest('base64'));
  });

  it('refuses the call routes without a session and a bad history limit with bad_request', async () => {
    const stranger = new ApiClient(gateway.url);
    for (const path of ['/api/calls/history', '/api/calls/stats', '/api/calls/ice-servers']) {
      expect((await stranger.get(path)).status).toBe(401);
    }
    const anne = await person(redis, gateway.url, opened);
    const bad = await anne.api.get('/api/calls/history?limit=abc');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'bad_request' } });
  });
});
