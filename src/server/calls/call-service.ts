import type { CallClientFrame, CallOutcome, CallServerFrame } from '../../shared/calls.ts';
import {
  applyCallEvent,
  isBoundParty,
  newCall,
  nextDue,
  type CallEffect,
  type CallEvent,
  type CallRecord,
  type CallStep,
  type CallTimings,
} from './call-machine.ts';
import { calleeOf, incomingFrame, relayedFrame, stateFrame, type HolderOf } from './call-frames.ts';
import type { CallStore } from './call-store.ts';

/** A call record outlives its call this long (late frames get `call.ended`, not `call_not_found`). */
const RECORD_TTL_MS = 6 * 60 * 60 * 1000;
/** Attempts of a compare-and-set before giving up (only reached under pathological contention). */
const CAS_ATTEMPTS = 8;
const SWEEP_BATCH = 50;

export interface CallServiceDeps {
  store: CallStore;
  timings: CallTimings;
  /** Sweeper period: ends calls whose deadlines passed on any gateway. */
  sweepMs: number;
  now(): number;
  /** Sends a frame to every device of these users, whichever gateway holds them. */
  publish(callId: string, userIds: string[], frame: CallServerFrame): void;
  /** True when both users are members of the conversation. */
  canCall(conversationId: string, callerId: string, calleeId: string): Promise<'ok' | 'call_not_found' | 'role_forbidden'>;
  displayName(userId: string): Promise<string>;
  /** Who holds a function now (an invite to a function, call-frames.ts `calleeOf`). */
  holderOf: HolderOf;
  /** After the one transition to `ended`: history, missed-call message. */
  onEnded(record: CallRecord): Promise<void>;
  log: { warn(details: object, text: string): void };
}

type Reply = (frame: CallServerFrame) => void;
type LineOutcome = 'ok' | { outcome: CallOutcome; reason: string };

/**
 * Call signaling on one gateway: applies `call.*` frames to the state machine in Redis, relays SDP
 * and ICE between the two bound devices, and ends calls whose deadlines pass (local timers for the
 * calls it started, plus a sweeper over every gateway's calls).
 */
export class CallService {
  readonly #deps: CallServiceDeps;
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>[]>();
  /** Frames of one device are applied in order (an answer must not overtake its offer). */
  readonly #queues = new Map<string, Promise<void>>();
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(deps: CallServiceDeps) {
    this.#deps = deps;
  }

  /** Starts the periodic sweep. */
  start(): void {
    this.#sweeper = setInterval(() => {
      this.sweep().catch((err: unknown) => this.#deps.log.warn({ err }, 'call sweep failed'));
    }, this.#deps.sweepMs);
    this.#sweeper.unref?.();
  }

  stop(): void {
    clearInterval(this.#sweeper);
    for (const timers of this.#timers.values()) for (const timer of timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Handles one call frame from `userId`; `reply` answers the sending socket only. */
  handle(userId: string, frame: CallClientFrame, reply: Reply): Promise<void> {
    const key = `${userId}:${frame.partyId}`;
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.#dispatch(userId, frame, reply));
    const settled = run.catch(() => undefined);
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return run;
  }

  /** Ends every call whose deadline has passed (any gateway's). */
  async sweep(): Promise<void> {
    const ids = await this.#deps.store.due(this.#deps.now(), SWEEP_BATCH);
    for (const callId of ids) await this.tick(callId);
  }

  /** A party of the call is no longer a member of its conversation: the call ends (call-machine.ts). */
  async partyGone(callId: string): Promise<void> {
    await this.#transition(callId, { kind: 'party-gone' });
  }

  /** Re-examines one call's deadlines. */
  async tick(callId: string): Promise<void> {
    const step = await this.#transition(callId, { kind: 'tick' });
    if (!step.ok) {
      await this.#deps.store.schedule(callId, null);
      return;
    }
    if (step.effect === null) await this.#deps.store.schedule(callId, nextDue(step.record, this.#deps.timings));
  }

  async #dispatch(userId: string, frame: CallClientFrame, reply: Reply): Promise<void> {
    switch (frame.type) {
      case 'call.invite':
        return this.#invite(userId, frame, reply);
      case 'call.ringing':
        return this.#event(frame.callId, { kind: 'ring-ack', userId, partyId: frame.partyId }, reply, { quiet: true });
      case 'call.accept':
        return this.#event(frame.callId, { kind: 'accept', userId, partyId: frame.partyId }, reply);
      case 'call.decline':
        return this.#event(frame.callId, { kind: 'decline', userId, partyId: frame.partyId }, reply);
      case 'call.hangup':
        return this.#event(frame.callId, { kind: 'hangup', userId, partyId: frame.partyId }, reply);
      case 'call.heartbeat':
        return this.#event(frame.callId, { kind: 'heartbeat', userId, partyId: frame.partyId }, reply);
      case 'call.signal':
      case 'call.media':
        return this.#relay(userId, frame, reply);
    }
  }

  async #event(callId: string, event: CallEvent, reply: Reply, options: { quiet?: boolean } = {}): Promise<void> {
    const step = await this.#transition(callId, event);
    if (step.ok) return;
    if (step.code === 'call_not_found' || step.code === 'not_allowed') {
      if (!options.quiet) reply({ type: 'call.error', callId, code: 'call_not_found' });
      return;
    }
    // Answered elsewhere, or already over: tell this device where the call stands.
    const current = await this.#deps.store.get(callId);
    if (current) reply(stateFrame(current));
  }

  async #invite(userId: string, frame: Extract<CallClientFrame, { type: 'call.invite' }>, reply: Reply): Promise<void> {
    const { store, timings } = this.#deps;
    const refuse = (code: 'call_not_found' | 'role_forbidden' = 'call_not_found'): void => reply({ type: 'call.error', callId: frame.callId, code });
    const callee = await calleeOf(userId, frame, this.#deps.holderOf);
    if ('code' in callee) return reply({ type: 'call.error', callId: frame.callId, code: callee.code });
    const allowed = await this.#deps.canCall(frame.conversationId, userId, callee.calleeId);
    if (allowed !== 'ok') return refuse(allowed);
    const existing = await store.get(frame.callId);
    if (existing) return existing.callerId === userId ? reply(stateFrame(existing)) : refuse();
    const [callerName, calleeName] = await Promise.all([this.#deps.displayName(userId), this.#deps.displayName(callee.calleeId)]);
    const draft = newCall(
      {
        callId: frame.callId,
        conversationId: frame.conversationId,
        callerId: userId,
        ...callee, // calleeId, and functionName for a call to a function
        callerName,
        calleeName,
        video: frame.video,
        callerPartyId: frame.partyId,
      },
      this.#deps.now(),
      timings,
    );
    const record = await store.put(draft, RECORD_TTL_MS);
    if (!record) return refuse();
    for (const lineUserId of [record.callerId, record.calleeId]) {
      const line = await this.#takeLine(record, lineUserId);
      if (line !== 'ok') {
        await this.#transition(record.callId, { kind: 'end', outcome: line.outcome, reason: line.reason });
        return;
      }
    }
    this.#deps.publish(record.callId, [record.calleeId], incomingFrame(record, this.#deps.now()));
    await store.schedule(record.callId, nextDue(record, timings));
    this.#armTimers(record);
  }

  /**
   * Takes `lineUserId`'s line for this call. Busy when the line holds another live call; when the
   * two users are calling each other at once (glare) the older call (smaller time-ordered id) keeps
   * going and the younger ends as cancelled — decided the same way by both gateways, so no deadlock.
   */
  async #takeLine(call: CallRecord, lineUserId: string): Promise<LineOutcome> {
    const { store } = this.#deps;
    const ttl = this.#lineTtl('ringing');
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const holder = await store.claimLine(lineUserId, call.callId, ttl);
      if (holder === null || holder === call.callId) return 'ok';
      if (holder === '') continue; // expired between our two reads
      const other = await store.get(holder);
      if (!other || other.state === 'ended') {
        // A line left behind by a call that is over: take it.
        if (await store.swapLine(lineUserId, holder, call.callId, ttl)) return 'ok';
        continue;
      }
      const glare = other.state === 'ringing' && other.callerId === call.calleeId && other.calleeId === call.callerId;
      if (!glare) return { outcome: 'busy', reason: lineUserId === call.callerId ? 'caller_busy' : 'callee_busy' };
      if (call.callId > other.callId) return { outcome: 'cancelled', reason: 'glare' };
      if (await store.swapLine(lineUserId, holder, call.callId, ttl)) {
        await this.#transition(other.callId, { kind: 'end', outcome: 'cancelled', reason: 'glare' });
        return 'ok';
      }
    }
    return { outcome: 'failed', reason: 'line_contention' };
  }

  async #relay(userId: string, frame: Extract<CallClientFrame, { type: 'call.signal' | 'call.media' }>, reply: Reply): Promise<void> {
    const record = await this.#deps.store.get(frame.callId);
    if (!record || (userId !== record.callerId && userId !== record.calleeId)) {
      return reply({ type: 'call.error', callId: frame.callId, code: 'call_not_found' });
    }
    if (record.state === 'ended') return reply(stateFrame(record));
    if (record.state !== 'active' || !isBoundParty(record, userId, frame.partyId)) {
      return reply({ type: 'call.error', callId: frame.callId, code: 'call_not_found' });
    }
    const relayed = relayedFrame(record, userId, frame);
    this.#deps.publish(record.callId, [relayed.toUserId], relayed.frame);
  }

  /** Applies an event with compare-and-set, then its effects (once, by the gateway that won). */
  async #transition(callId: string, event: CallEvent): Promise<CallStep> {
    const { store, timings } = this.#deps;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await store.get(callId);
      if (!current) return { ok: false, code: 'call_not_found' };
      const step = applyCallEvent(current, event, this.#deps.now(), timings);
      if (!step.ok || step.effect === null) return step;
      const saved = await store.put(step.record, RECORD_TTL_MS);
      if (saved) {
        await this.#after(saved, step.effect);
        return { ok: true, record: saved, effect: step.effect };
      }
    }
    throw new Error('call state contention');
  }

  async #after(record: CallRecord, effect: CallEffect): Promise<void> {
    const { store, timings } = this.#deps;
    const both = [record.callerId, record.calleeId];
    switch (effect) {
      case 'rang':
        this.#deps.publish(record.callId, [record.callerId], stateFrame(record));
        await store.schedule(record.callId, nextDue(record, timings));
        return;
      case 'accepted':
        this.#clearTimers(record.callId);
        await Promise.all(both.map((id) => store.refreshLine(id, record.callId, this.#lineTtl('active'))));
        await store.schedule(record.callId, nextDue(record, timings));
        this.#deps.publish(record.callId, both, stateFrame(record));
        return;
      case 'beat': {
        const beating = record.state === 'ringing' ? [record.callerId] : both;
        await Promise.all(beating.map((id) => store.refreshLine(id, record.callId, this.#lineTtl(record.state))));
        return;
      }
      case 'ended':
        this.#clearTimers(record.callId);
        await Promise.all(both.map((id) => store.releaseLine(id, record.callId)));
        await store.schedule(record.callId, null);
        this.#deps.publish(record.callId, both, stateFrame(record));
        await this.#deps.onEnded(record).catch((err: unknown) => {
          this.#deps.log.warn({ err, callId: record.callId }, 'call history not recorded');
        });
        return;
    }
  }

  #lineTtl(state: 'ringing' | 'active' | 'ended'): number {
    const { ringMs, heartbeatTimeoutMs } = this.#deps.timings;
    return state === 'ringing' ? ringMs + heartbeatTimeoutMs : 2 * heartbeatTimeoutMs;
  }

  /** Exact-time timers for the calls this gateway started; the sweeper covers the others. */
  #armTimers(record: CallRecord): void {
    const now = this.#deps.now();
    const at = (time: number): ReturnType<typeof setTimeout> => {
      const timer = setTimeout(() => {
        this.tick(record.callId).catch((err: unknown) => this.#deps.log.warn({ err }, 'call timer failed'));
      }, Math.max(0, time - now));
      timer.unref?.();
      return timer;
    };
    this.#timers.set(record.callId, [at(record.ackBy), at(record.expiresAt)]);
  }

  #clearTimers(callId: string): void {
    for (const timer of this.#timers.get(callId) ?? []) clearTimeout(timer);
    this.#timers.delete(callId);
  }
}
