import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { newId } from '../../../src/shared/ids.ts';
import type { Change, Message, SystemEvent } from '../../../src/shared/model.ts';
import { appendCallLine } from '../../../src/server/calls/call-history.ts';
import { redisCallStore } from '../../../src/server/calls/call-store.ts';
import { createLiveBus } from '../../../src/server/realtime/live-bus.ts';
import { redisUrl, startGateway, type LiveClient, type StartedGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';
import { callsConfig, directConversation, invite, nextCallFrame, person, type Device, type Person } from './calls-helpers.ts';

/** This file's Redis DB: two gateways share it. */
const DB = 1;
const calls = callsConfig({ ringSeconds: 1.5, ackSeconds: 1, heartbeatTimeoutSeconds: 3 });
const first = useGateway({ db: DB, calls });
let second: StartedGateway;
const opened: LiveClient[] = [];

beforeAll(async () => {
  second = await startGateway({ db: DB, calls });
});

afterAll(async () => {
  await second?.close();
});

afterEach(() => {
  for (const live of opened.splice(0)) live.close();
});

/** The system lines `who` pulls for the conversation, in seq order. */
async function linesOf(who: Person, conversationId: string): Promise<Message[]> {
  const reply = await who.api.get('/api/sync/pull');
  expect(reply.status).toBe(200);
  return (reply.body as { changes: Change[] }).changes
    .flatMap((c) => (c.type === 'message' && c.message.conversationId === conversationId ? [c.message] : []))
    .sort((a, b) => a.seq - b.seq);
}

/**
 * Anne (gateway 1) and Karim (gateway 2) in a direct conversation with one message already in it;
 * Anne's call rings Karim's device.
 */
async function ringingAcrossGateways(): Promise<{ anne: Person; karim: Person; conversationId: string; a: Device; k: Device; callId: string }> {
  const anne = await person(first.redis, first.url, opened);
  const karim = await person(first.redis, second.url, opened);
  const conversationId = await directConversation(anne, karim);
  const messageId = newId();
  await anne.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'Je vous appelle pour le bilan' } }]);
  const [a, k] = [await anne.device(), await karim.device()];
  const callId = invite(a, conversationId, karim.id);
  await nextCallFrame(k, 'call.incoming', callId);
  k.live.send({ type: 'call.ringing', callId, partyId: k.partyId });
  return { anne, karim, conversationId, a, k, callId };
}

/** Both parties pull the same timeline: the message, then exactly one line of this call, written as Anne's. */
async function expectOneLine(anne: Person, karim: Person, conversationId: string, system: Partial<SystemEvent>): Promise<Message> {
  let line: Message | undefined;
  for (const who of [anne, karim]) {
    const timeline = await linesOf(who, conversationId);
    expect(timeline.map((m) => m.kind ?? 'text')).toEqual(['text', 'system']);
    expect(timeline.map((m) => m.seq)).toEqual([1, 2]);
    expect(timeline[1]).toMatchObject({ senderId: anne.id, body: '', kind: 'system', system });
    line = timeline[1];
  }
  return line as Message;
}

describe('the line each ended call leaves in its conversation (caller and callee on two gateways)', () => {
  it('leaves one "call.ended completed" line with the duration, delivered live to both', async () => {
    const { anne, karim, conversationId, a, k, callId } = await ringingAcrossGateways();
    k.live.send({ type: 'call.accept', callId, partyId: k.partyId });
    await nextCallFrame(a, 'call.accepted', callId);
    await new Promise((done) => setTimeout(done, 1_300));
    a.live.send({ type: 'call.heartbeat', callId, partyId: a.partyId });
    k.live.send({ type: 'call.heartbeat', callId, partyId: k.partyId });
    // Both hang up at once, on their own gateway: one end wins, one line.
    a.live.send({ type: 'call.hangup', callId, partyId: a.partyId });
    k.live.send({ type: 'call.hangup', callId, partyId: k.partyId });
    const ended = await nextCallFrame(k, 'call.ended', callId);
    expect(ended).toMatchObject({ outcome: 'completed' });
    expect(ended.durationSeconds).toBeGreaterThanOrEqual(1);
    const live = await k.live.next((f) => f.type === 'changes' && f.changes.some((c) => c.type === 'message' && c.message.kind === 'system'));
    expect(live).toMatchObject({ changes: [{ message: { system: { type: 'call.ended', callId } } }] });
    await expectOneLine(anne, karim, conversationId, {
      type: 'call.ended',
      callId,
      callerId: anne.id,
      calleeId: karim.id,
      outcome: 'completed',
      video: true,
      durationSeconds: ended.durationSeconds,
    });
  });

  it('leaves one "call.ended declined" line when the callee declines', async () => {
    const { anne, karim, conversationId, a, k, callId } = await ringingAcrossGateways();
    k.live.send({ type: 'call.decline', callId, partyId: k.partyId });
    expect(await nextCallFrame(a, 'call.ended', callId)).toMatchObject({ outcome: 'declined' });
    await expect.poll(async () => (await linesOf(karim, conversationId)).length).toBe(2);
    await expectOneLine(anne, karim, conversationId, { type: 'call.ended', callId, outcome: 'declined', durationSeconds: 0, callerId: anne.id, calleeId: karim.id });
  });

  it('keeps the "call.missed" line for a call nobody answered, and for one the caller cancelled', async () => {
    const missed = await ringingAcrossGateways();
    expect(await nextCallFrame(missed.a, 'call.ended', missed.callId, 10_000)).toMatchObject({ outcome: 'missed' });
    await expect.poll(async () => (await linesOf(missed.karim, missed.conversationId)).length).toBe(2);
    await expectOneLine(missed.anne, missed.karim, missed.conversationId, { type: 'call.missed', callId: missed.callId });

    const cancelled = await ringingAcrossGateways();
    cancelled.a.live.send({ type: 'call.hangup', callId: cancelled.callId, partyId: cancelled.a.partyId });
    expect(await nextCallFrame(cancelled.k, 'call.ended', cancelled.callId)).toMatchObject({ outcome: 'cancelled' });
    await expect.poll(async () => (await linesOf(cancelled.karim, cancelled.conversationId)).length).toBe(2);
    await expectOneLine(cancelled.anne, cancelled.karim, cancelled.conversationId, { type: 'call.missed', callId: cancelled.callId });
  });

  it('appends the line once when the end of a call is processed again, on either gateway', async () => {
    const { anne, karim, conversationId, a, k, callId } = await ringingAcrossGateways();
    k.live.send({ type: 'call.decline', callId, partyId: k.partyId });
    await nextCallFrame(a, 'call.ended', callId);
    await expect.poll(async () => (await linesOf(karim, conversationId)).length).toBe(2);
    const record = await redisCallStore(first.redis).get(callId);
    expect(record?.state).toBe('ended');
    // The end handled again, as a gateway retrying it would: a real live bus on the same Redis.
    const subscriber = new Redis(redisUrl(DB));
    const frames: string[] = [];
    const live = createLiveBus({ publisher: first.redis, subscriber, log: first.gateway.app.log, deliver: (_ids, frame) => frames.push(frame) });
    try {
      await live.ready;
      // Routed fan-out: this bus follows the conversation as a gateway holding Anne's socket would.
      await live.hold(anne.id);
      await Promise.all([appendCallLine(first.redis, live, record!), appendCallLine(first.redis, live, record!)]);
      await appendCallLine(first.redis, live, record!);
    } finally {
      await live.close();
      subscriber.disconnect();
    }
    await expectOneLine(anne, karim, conversationId, { type: 'call.ended', callId, outcome: 'declined' });
    expect(frames).toEqual([]);
  });

  it('refuses a system line sent by a client, whatever event it forges, and stores nothing', async () => {
    const anne = await person(first.redis, first.url, opened);
    const karim = await person(first.redis, second.url, opened);
    const conversationId = await directConversation(anne, karim);
    const forged: SystemEvent[] = [
      { type: 'call.ended', callId: newId(), callerId: karim.id, calleeId: anne.id, outcome: 'completed', video: true, durationSeconds: 3_600 },
      { type: 'call.missed', callId: newId() },
    ];
    for (const system of forged) {
      const messageId = newId();
      const [item] = await anne.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: '', kind: 'system', system } }]);
      expect(item).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    const outsideSend = newId();
    const [unknown] = await karim.api.push([{ id: outsideSend, kind: 'system.append', args: { conversationId, system: forged[0] } }]);
    expect(unknown).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(bad_request|unknown_mutation)$/) } });
    expect(await linesOf(anne, conversationId)).toEqual([]);
    expect(await linesOf(karim, conversationId)).toEqual([]);
  });
});
