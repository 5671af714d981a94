import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallServerFrame } from '../../../../src/shared/calls.ts';
import { newId } from '../../../../src/shared/ids.ts';
import { applyCallEvent, newCall, type CallRecord } from '../../../../src/server/calls/call-machine.ts';
import { CallService } from '../../../../src/server/calls/call-service.ts';
import { memoryCallStore } from './calls-memory-store.ts';

const TIMINGS = { ringMs: 45_000, ackMs: 5_000, heartbeatTimeoutMs: 20_000 };
const ANNE = newId();
const KARIM = newId();
const CLAIRE = newId();
const CONVERSATION = newId();

interface Sent {
  to: string[];
  frame: CallServerFrame;
}

function harness() {
  const store = memoryCallStore();
  const sent: Sent[] = [];
  const ended: CallRecord[] = [];
  const service = new CallService({
    store,
    timings: TIMINGS,
    sweepMs: 1_000,
    now: () => Date.now(),
    publish: (_callId, to, frame) => sent.push({ to, frame }),
    canCall: async () => 'ok' as const,
    displayName: async (id) => (id === ANNE ? 'Dr Anne Martin' : 'Dr Karim Benali'),
    holderOf: async () => ({ ok: false as const, code: 'not_found' as const }),
    onEnded: async (record) => {
      ended.push(record);
    },
    log: { warn: () => undefined },
  });
  const replies: CallServerFrame[] = [];
  const reply = (frame: CallServerFrame): void => {
    replies.push(frame);
  };
  const framesTo = (userId: string, type: CallServerFrame['type']) =>
    sent.filter((s) => s.to.includes(userId) && s.frame.type === type).map((s) => s.frame);
  return { store, service, sent, ended, replies, reply, framesTo };
}

function inviteFrame(callId: string, partyId: string, calleeId = KARIM) {
  return { type: 'call.invite' as const, callId, conversationId: CONVERSATION, calleeId, partyId, video: true };
}

describe('call state machine (CallService, fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-03-10T09:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends a ringing call as missed when the 45 s ring deadline passes', async () => {
    const h = harness();
    const callId = newId();
    const caller = newId();
    const callee = newId();
    await h.service.handle(ANNE, inviteFrame(callId, caller), h.reply);
    expect(h.framesTo(KARIM, 'call.incoming')).toHaveLength(1);
    await h.service.handle(KARIM, { type: 'call.ringing', callId, partyId: callee }, h.reply);
    expect(h.framesTo(ANNE, 'call.ringing')).toHaveLength(1);

    // The caller keeps beating while it rings; nothing ends before the deadline.
    for (let t = 0; t < 40; t += 10) {
      await vi.advanceTimersByTimeAsync(10_000);
      await h.service.handle(ANNE, { type: 'call.heartbeat', callId, partyId: caller }, h.reply);
    }
    expect(h.ended).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.ended).toHaveLength(1);
    expect(h.ended[0]).toMatchObject({ outcome: 'missed', reason: 'timeout', state: 'ended' });
    expect(h.framesTo(KARIM, 'call.ended')).toEqual([expect.objectContaining({ outcome: 'missed', durationSeconds: 0 })]);
    // Both lines are free again.
    expect(h.store.lines.size).toBe(0);
  });

  it('ends a call as unavailable when no callee device rings within the ack delay', async () => {
    const h = harness();
    const callId = newId();
    await h.service.handle(ANNE, inviteFrame(callId, newId()), h.reply);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(h.ended).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.ended[0]).toMatchObject({ outcome: 'unavailable', reason: 'no_device' });
  });

  it('answers busy to a second caller while the callee is in a call', async () => {
    const h = harness();
    const first = newId();
    const calleeParty = newId();
    await h.service.handle(ANNE, inviteFrame(first, newId()), h.reply);
    await h.service.handle(KARIM, { type: 'call.accept', callId: first, partyId: calleeParty }, h.reply);

    const second = newId();
    await h.service.handle(CLAIRE, inviteFrame(second, newId()), h.reply);
    expect(h.ended).toEqual([expect.objectContaining({ callId: second, outcome: 'busy', reason: 'callee_busy' })]);
    expect(h.framesTo(KARIM, 'call.incoming').filter((f) => f.type === 'call.incoming' && f.callId === second)).toHaveLength(0);
    // The first call is untouched and still holds both lines.
    expect(h.store.lines.get(KARIM)).toBe(first);
    expect((await h.store.get(first))?.state).toBe('active');
  });

  it('ends a call as cancelled when the caller hangs up while it rings, and no timer fires later', async () => {
    const h = harness();
    const callId = newId();
    const caller = newId();
    await h.service.handle(ANNE, inviteFrame(callId, caller), h.reply);
    await h.service.handle(KARIM, { type: 'call.ringing', callId, partyId: newId() }, h.reply);
    await vi.advanceTimersByTimeAsync(3_000);
    await h.service.handle(ANNE, { type: 'call.hangup', callId, partyId: caller }, h.reply);
    expect(h.ended).toEqual([expect.objectContaining({ outcome: 'cancelled', endedByPartyId: caller })]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.ended).toHaveLength(1);
  });

  it('ends an active call as failed once a party stops beating for the heartbeat timeout', async () => {
    const h = harness();
    h.service.start();
    const callId = newId();
    const caller = newId();
    const callee = newId();
    await h.service.handle(ANNE, inviteFrame(callId, caller), h.reply);
    await h.service.handle(KARIM, { type: 'call.accept', callId, partyId: callee }, h.reply);
    await vi.advanceTimersByTimeAsync(10_000);
    await h.service.handle(ANNE, { type: 'call.heartbeat', callId, partyId: caller }, h.reply);
    await h.service.handle(KARIM, { type: 'call.heartbeat', callId, partyId: callee }, h.reply);
    await vi.advanceTimersByTimeAsync(19_000);
    expect(h.ended).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2_000);
    h.service.stop();
    // Duration counts up to the last moment both were known to be there.
    expect(h.ended[0]).toMatchObject({ outcome: 'failed', reason: 'heartbeat_timeout' });
    expect(h.framesTo(ANNE, 'call.ended')).toEqual([expect.objectContaining({ outcome: 'failed', durationSeconds: 10 })]);
  });
});

describe('applyCallEvent()', () => {
  const call = (): CallRecord =>
    newCall(
      { callId: newId(), conversationId: CONVERSATION, callerId: ANNE, calleeId: KARIM, callerName: 'A', calleeName: 'K', video: true, callerPartyId: newId() },
      1_000,
      TIMINGS,
    );

  it('lets the first accepting device win and refuses the second as answered elsewhere', () => {
    const first = applyCallEvent(call(), { kind: 'accept', userId: KARIM, partyId: 'p1' }, 2_000, TIMINGS);
    expect(first).toMatchObject({ ok: true, effect: 'accepted', record: { state: 'active', calleePartyId: 'p1', answeredAt: 2_000 } });
    if (!first.ok) return;
    expect(applyCallEvent(first.record, { kind: 'accept', userId: KARIM, partyId: 'p2' }, 2_001, TIMINGS)).toEqual({
      ok: false,
      code: 'answered_elsewhere',
    });
  });

  it('treats a third user as if the call did not exist', () => {
    for (const kind of ['accept', 'decline', 'hangup', 'heartbeat', 'ring-ack'] as const) {
      expect(applyCallEvent(call(), { kind, userId: CLAIRE, partyId: 'p' }, 2_000, TIMINGS)).toEqual({ ok: false, code: 'call_not_found' });
    }
  });

  it('ends a call whose party left the conversation: cancelled while ringing, completed once answered', () => {
    expect(applyCallEvent(call(), { kind: 'party-gone' }, 2_000, TIMINGS)).toMatchObject({
      ok: true,
      effect: 'ended',
      record: { state: 'ended', outcome: 'cancelled', reason: 'no_longer_member', endedByPartyId: null },
    });
    const accepted = applyCallEvent(call(), { kind: 'accept', userId: KARIM, partyId: 'p1' }, 2_000, TIMINGS);
    if (!accepted.ok) throw new Error('accept refused');
    expect(applyCallEvent(accepted.record, { kind: 'party-gone' }, 32_000, TIMINGS)).toMatchObject({
      ok: true,
      record: { outcome: 'completed', reason: 'no_longer_member', endedAt: 32_000 },
    });
  });

  it('counts the duration from answer to hang-up in whole seconds', () => {
    const accepted = applyCallEvent(call(), { kind: 'accept', userId: KARIM, partyId: 'p1' }, 2_000, TIMINGS);
    if (!accepted.ok) throw new Error('accept refused');
    const hung = applyCallEvent(accepted.record, { kind: 'hangup', userId: KARIM, partyId: 'p1' }, 65_400, TIMINGS);
    expect(hung).toMatchObject({ ok: true, effect: 'ended', record: { outcome: 'completed', endedAt: 65_400 } });
  });
});
