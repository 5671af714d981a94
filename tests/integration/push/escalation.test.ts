import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import type { PushPayload } from '../../../src/shared/push.ts';
import type { PushService } from '../../../src/server/push/index.ts';
import { PUSH_KEYS } from '../../../src/server/push/keys.ts';
import { type ApiClient } from '../helpers.ts';
import { useGateway } from '../fixture.ts';
import { PushSink } from './push-sink.ts';

/**
 * Urgent escalation with fake timers: the gateway's scheduler ticks every 15 s (fake setInterval),
 * its clock is the fake Date; Redis and the push sink are real.
 */

const DB = 14;
const TICK_MS = 15_000;
let push: PushService;
let sink: PushSink;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: Date.now() });
  sink = new PushSink();
  await sink.start();
});

afterAll(async () => {
  await sink?.stop();
  vi.useRealTimers();
});

const started = useGateway({ db: DB }, () => ({
  push: {
    config: { subject: 'mailto:ops@clinique.example', escalationTickSeconds: TICK_MS / 1000 },
    allowHttpEndpoints: true,
    sleep: async () => undefined,
    onStarted: (service) => (push = service),
  },
}));
const { redis } = started;

/** Lets fake time pass tick by tick, waiting for each scheduler run to finish (its Redis I/O is real). */
async function elapse(ms: number): Promise<void> {
  for (let passed = 0; passed < ms; passed += TICK_MS) {
    await vi.advanceTimersByTimeAsync(TICK_MS);
    await push.escalations.whenIdle();
  }
}

async function urgentToKarim(): Promise<{ karim: { api: ApiClient; user: { id: string } }; conversationId: string; messageId: string }> {
  const anne = await started.signIn();
  const karim = await started.signIn();
  const conversationId = newId();
  await anne.api.push([{ id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.user.id] } }]);
  const subscription = sink.subscription();
  expect((await karim.api.request('POST', '/api/push/subscription', { body: { deviceId: 'd', subscription } })).status).toBe(204);
  const messageId = newId();
  await anne.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'Chute en chambre 4', urgent: true } }]);
  await push.notifier.whenIdle();
  return { karim, conversationId, messageId };
}

/** Anne's group with Karim and Zoé; Karim's device subscribed to push; an urgent message from Anne. */
async function urgentToGroup() {
  const [anne, karim, zoe] = [await started.signIn(), await started.signIn(), await started.signIn()];
  const conversationId = newId();
  const [created] = await anne.api.push([
    { id: newId(), kind: 'conversation.create', args: { conversationId, participantIds: [karim.user.id, zoe.user.id], title: 'Garde' } },
  ]);
  expect(created?.ok).toBe(true);
  expect((await karim.api.request('POST', '/api/push/subscription', { body: { deviceId: 'd', subscription: sink.subscription() } })).status).toBe(204);
  const messageId = newId();
  await anne.api.push([{ id: messageId, kind: 'message.send', args: { conversationId, messageId, body: 'Chute en chambre 4', urgent: true } }]);
  await push.notifier.whenIdle();
  return { anne, karim, zoe, conversationId, messageId };
}

/** The reminders still queued for this recipient. */
async function queuedFor(userId: string): Promise<string[]> {
  return (await redis.zrange(PUSH_KEYS.escalations, '0', '-1')).filter((member) => (JSON.parse(member) as { userId: string }).userId === userId);
}

async function act(who: { api: ApiClient }, kind: string, args: object): Promise<void> {
  const [result] = await who.api.push([{ id: newId(), kind, args }]);
  expect(result?.ok).toBe(true);
}

const remindersOf = (messageId: string): number[] =>
  sink.received
    .map((r) => r.payload as PushPayload)
    .filter((p) => p.kind === 'escalation' && p.messageId === messageId)
    .map((p) => p.reminder ?? 0);

describe('urgent escalation', () => {
  it('re-notifies an urgent message not acknowledged every 2 minutes for 20 minutes, then stops', async () => {
    const { messageId } = await urgentToKarim();
    expect(sink.received.filter((r) => (r.payload as PushPayload).messageId === messageId)).toHaveLength(1);
    await elapse(2 * 60_000 - TICK_MS);
    expect(remindersOf(messageId)).toEqual([]);
    await elapse(TICK_MS);
    expect(remindersOf(messageId)).toEqual([1]);
    await elapse(8 * 60_000);
    expect(remindersOf(messageId)).toEqual([1, 2, 3, 4, 5]);
    await elapse(10 * 60_000);
    expect(remindersOf(messageId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const reminder = sink.received.find((r) => (r.payload as PushPayload).reminder === 10);
    expect(reminder?.urgency).toBe('high');
    await elapse(6 * 60_000);
    expect(remindersOf(messageId)).toHaveLength(10);
    expect(await redis.zcard(PUSH_KEYS.escalations)).toBe(0);
  });

  it('goes on re-notifying a recipient who only read the message, and stops once they acknowledged it', async () => {
    const { karim, conversationId, messageId } = await urgentToKarim();
    await elapse(4 * 60_000);
    expect(remindersOf(messageId)).toEqual([1, 2]);
    await act(karim, 'read.mark', { conversationId, seq: 1 });
    await elapse(2 * 60_000);
    expect(remindersOf(messageId)).toEqual([1, 2, 3]);
    await act(karim, 'message.ack', { conversationId, messageId });
    await elapse(6 * 60_000);
    expect(remindersOf(messageId)).toEqual([1, 2, 3]);
    expect(await redis.zcard(PUSH_KEYS.escalations)).toBe(0);
  });

  it('stops re-notifying a recipient who claimed the message, and only them', async () => {
    const { karim, zoe, conversationId, messageId } = await urgentToGroup();
    await elapse(2 * 60_000);
    await act(karim, 'message.ack', { conversationId, messageId, claim: true });
    await elapse(4 * 60_000);
    expect(await queuedFor(karim.user.id)).toEqual([]);
    // Zoé, who did not answer, is still reminded.
    expect(await queuedFor(zoe.user.id)).toHaveLength(1);
    await act(zoe, 'conversation.leave', { conversationId });
    await elapse(2 * 60_000);
  });

  it('stops re-notifying once the sender withdrew the message, and leaves it out of their unanswered list', async () => {
    const { anne, karim, zoe, conversationId, messageId } = await urgentToGroup();
    await elapse(2 * 60_000);
    expect(remindersOf(messageId)).toEqual([1]);
    const listed = async (): Promise<string[]> =>
      ((await anne.api.get('/api/urgent/open')).body as { urgent: { messageId: string }[] }).urgent.map((u) => u.messageId);
    expect(await listed()).toContain(messageId);
    await act(anne, 'message.redact', { conversationId, messageId });
    await elapse(6 * 60_000);
    expect(remindersOf(messageId)).toEqual([1]);
    expect(await queuedFor(karim.user.id)).toEqual([]);
    expect(await queuedFor(zoe.user.id)).toEqual([]);
    expect(await listed()).not.toContain(messageId);
  });

  it('stops re-notifying a recipient who left the conversation', async () => {
    const { karim, conversationId, messageId } = await urgentToGroup();
    await elapse(2 * 60_000);
    expect(remindersOf(messageId)).toEqual([1]);
    await act(karim, 'conversation.leave', { conversationId });
    await elapse(6 * 60_000);
    expect(remindersOf(messageId)).toEqual([1]);
    expect(await queuedFor(karim.user.id)).toEqual([]);
  });

  it('stops re-notifying a recipient removed from the conversation', async () => {
    const { anne, karim, conversationId, messageId } = await urgentToGroup();
    await act(anne, 'conversation.removeParticipant', { conversationId, userId: karim.user.id });
    await elapse(6 * 60_000);
    expect(remindersOf(messageId)).toEqual([]);
    expect(await queuedFor(karim.user.id)).toEqual([]);
  });

  it('stops re-notifying once the conversation is deleted for everyone', async () => {
    const { anne, karim, conversationId, messageId } = await urgentToGroup();
    await elapse(2 * 60_000);
    expect(remindersOf(messageId)).toEqual([1]);
    await act(anne, 'conversation.delete', { conversationId });
    await elapse(6 * 60_000);
    expect(remindersOf(messageId)).toEqual([1]);
    expect(await queuedFor(karim.user.id)).toEqual([]);
  });
});
