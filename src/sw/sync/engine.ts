import type { ErrorCode } from '../../shared/errors.ts';
import { PushReply, PullReply } from '../../shared/http.ts';
import type { Mutation, MutationResult } from '../../shared/mutations.ts';
import { LIMITS } from '../../shared/limits.ts';
import type { Change, User } from '../../shared/model.ts';
import { messagesTopic } from '../../shared/sw-events.ts';
import type { Broadcast } from '../broadcast.ts';
import { errorCodeFor } from '../errors.ts';
import { logFailure } from '../log.ts';
import type { LocalMessage, SyncState } from '../../shared/local-model.ts';
import { ApiClient, errorCodeOf, isTransient, type FetchLike } from '../../shared/api-client.ts';
import { applyChanges, applyTables, resetLocalStore } from './apply-changes.ts';
import { Backoff, OUTBOX_BACKOFF } from '../../shared/backoff.ts';
import type { RelaisDb } from '../store/db.ts';
import { META, getMeta } from '../store/meta.ts';
import { enqueueMessage, enqueueReadMark, pendingCount, requeueMessage } from './outbox.ts';
import { applyPushResults } from './push-results.ts';
import { uploadStagedFiles } from './attachments.ts';
import { SingleFlight, type RunResult } from './single-flight.ts';

/**
 * The sync engine of one signed-in user: pushes the outbox, pulls changes, applies live frames.
 *
 *   outbox ──flush()──▶ POST /api/sync/push ──results──▶ messages sent/failed, entries removed
 *                          │ no answer / 5xx / 429: entries kept, retry in 1 s … 60 s
 *                          │ 401: everything kept, session expired, flushing stops
 *
 *   cursor ──pull()───▶ GET /api/sync/pull?cursor=c0 ─▶ page 1 (changes, c1, hasMore) ─▶ … ─▶ hasMore false
 *      ▲                    each page and its cursor are stored in ONE transaction, so a crash
 *      │                    between pages resumes from the last stored cursor (changes re-apply
 *      │                    idempotently)
 *      └── {reset, c'}: the server lost our history (epoch changed): drop conversations, sent
 *          messages, reads; keep pending/failed messages and the outbox; pull from c'; flush.
 *
 * Live frames apply the same way; a seq past last local seq + 1 means a missed event: pull.
 */

export interface SyncEngineOptions {
  db: RelaisDb;
  fetch: FetchLike;
  baseUrl: string;
  deviceId: string;
  userId: string;
  /** The signed-in user, echoed in the `auth` event when the session expires. */
  user?: User;
  broadcast: Broadcast;
  now?: () => number;
  /** Jitter source for the backoff. */
  random?: () => number;
  /** A retry was scheduled (the service worker also registers Background Sync). */
  onRetryScheduled?: (delayMs: number) => void;
  /** The server answered 401: the session is gone (local data and outbox are kept). */
  onSessionExpired?: () => void;
}

const MAX_RESETS_PER_PULL = 3;
/** Most live changes written in one transaction. */
const LIVE_BATCH_MAX = 500;

export class SyncEngine {
  readonly #o: Required<Omit<SyncEngineOptions, 'user' | 'onRetryScheduled' | 'onSessionExpired'>> &
    Pick<SyncEngineOptions, 'user' | 'onRetryScheduled' | 'onSessionExpired'>;
  readonly #api: ApiClient;
  readonly #backoff: Backoff;
  readonly #flush = new SingleFlight(() => this.#guarded(() => this.#flushOnce()));
  readonly #pull = new SingleFlight(() => this.#guarded(() => this.#pullOnce()));
  #timer: ReturnType<typeof setTimeout> | null = null;
  #halted = false;
  #online = true;
  #pending = 0;
  #lastSyncAt: number | null = null;
  #lastErrorCode: ErrorCode | null = null;
  #lastBroadcastState = '';
  /** Live changes waiting for the batch being written (see applyLive). */
  #liveOpen: { changes: Change[]; done: Promise<void> } | null = null;
  #liveTail: Promise<unknown> = Promise.resolve();

  constructor(options: SyncEngineOptions) {
    this.#o = { now: Date.now, random: Math.random, ...options };
    this.#api = new ApiClient({ fetch: options.fetch, baseUrl: options.baseUrl });
    this.#backoff = new Backoff(OUTBOX_BACKOFF, this.#o.random);
  }

  /** Loads persisted state (last sync time, outbox size). Call once after construction. */
  async init(): Promise<void> {
    this.#lastSyncAt = (await getMeta<number>(this.#o.db, META.lastSyncAt)) ?? null;
    this.#pending = await pendingCount(this.#o.db);
  }

  /** The state the tabs show (online, flushing, pending count, last sync, last error). */
  state(): SyncState {
    return {
      online: this.#online,
      flushing: this.#flush.running,
      pending: this.#pending,
      lastSyncAt: this.#lastSyncAt,
      lastErrorCode: this.#lastErrorCode,
    };
  }

  /** True after a 401, until `resume()`. */
  get expired(): boolean {
    return this.#halted;
  }

  /** Pushes the outbox (single-flight: concurrent calls join the running flush). */
  flush(): Promise<void> {
    const run = this.#flush.start();
    void this.#emitState();
    return run;
  }

  /** Pulls every change since the stored cursor (single-flight). */
  pull(): Promise<void> {
    return this.#pull.start();
  }

  /** Flush then pull; resolves with the state after. */
  async sync(_reason?: string): Promise<SyncState> {
    await this.flush();
    await this.pull();
    await this.#emitState();
    return this.state();
  }

  /** Resolves when no flush or pull is running (tests and the simulated devices wait on it). */
  async whenIdle(): Promise<void> {
    await this.#liveTail;
    while (this.#flush.current || this.#pull.current) {
      await Promise.all([this.#flush.current, this.#pull.current]);
    }
  }

  /**
   * Applies changes from a live frame; a gap in a conversation's seq triggers a pull. Frames that
   * arrive while a batch is being written join the next one: a busy conversation costs one
   * transaction (and one `changed` event) per batch instead of one per frame, in arrival order.
   * Resolves when the batch holding these changes is stored.
   */
  applyLive(changes: readonly Change[]): Promise<void> {
    const open = this.#liveOpen;
    if (open && open.changes.length < LIVE_BATCH_MAX) {
      open.changes.push(...changes);
      return open.done;
    }
    const batch: { changes: Change[]; done: Promise<void> } = { changes: [...changes], done: Promise.resolve() };
    batch.done = this.#liveTail.then(() => {
      if (this.#liveOpen === batch) this.#liveOpen = null;
      return this.#applyLiveBatch(batch.changes);
    });
    this.#liveOpen = batch;
    this.#liveTail = batch.done.catch(() => undefined);
    return batch.done;
  }

  async #applyLiveBatch(changes: readonly Change[]): Promise<void> {
    const db = this.#o.db;
    const outcome = await db.transaction('rw', applyTables(db), () => applyChanges(db, changes, { detectGaps: true, userId: this.#o.userId, notify: true }));
    this.notifyChanged(outcome.touched);
    if (outcome.gaps.size > 0) void this.pull();
  }

  /** Local echo of a new message (message + outbox entry in one transaction), then a background flush. */
  async send(message: LocalMessage): Promise<LocalMessage> {
    const existing = await this.#o.db.messages.get(message.messageId);
    if (existing) return existing;
    await enqueueMessage(this.#o.db, message, this.#o.now());
    this.notifyChanged([message.conversationId]);
    void this.flush();
    return message;
  }

  /** Re-queues a failed message with the same id ("Réessayer"); undefined when unknown. */
  async retry(messageId: string): Promise<LocalMessage | undefined> {
    const message = await requeueMessage(this.#o.db, messageId, this.#o.now());
    if (!message) return undefined;
    this.notifyChanged([message.conversationId]);
    void this.flush();
    return message;
  }

  /** Marks a conversation read up to `seq` locally and queues the (coalesced) `read.mark`. */
  async markRead(conversationId: string, seq: number): Promise<void> {
    await enqueueReadMark(this.#o.db, { conversationId, userId: this.#o.userId, seq }, this.#o.now());
    this.notifyChanged([conversationId]);
    void this.flush();
  }

  /**
   * Pushes one mutation now, outside the outbox (conversation creation needs the server's answer).
   * Resolves with its result, or `{ok: false}` with `offline`/`unauthenticated`/… when no result came.
   */
  async pushNow(mutation: Mutation): Promise<MutationResult> {
    const response = await this.#api.call('POST', '/api/sync/push', { deviceId: this.#o.deviceId, mutations: [mutation] });
    this.#noteAnswer(response.status);
    if (response.status === 401) this.#expire();
    const reply = response.status === 200 ? PushReply.safeParse(response.body) : undefined;
    const result = reply?.success ? reply.data.results.find((r) => r.id === mutation.id) : undefined;
    if (result) return result;
    const code = response.status === 200 ? 'internal' : errorCodeOf(response);
    return { id: mutation.id, ok: false, error: { code } };
  }

  /** Allows flushing again after the user signed in anew. */
  resume(): void {
    this.#halted = false;
    this.#lastErrorCode = null;
    this.#backoff.reset();
  }

  /** Stops timers and further network work (sign-out, user switch). */
  stop(): void {
    this.#halted = true;
    this.#clearTimer();
  }

  /** Broadcasts `conversations` and `messages:<id>` for touched conversations, and the sync state. */
  notifyChanged(conversationIds: Iterable<string>): void {
    const ids = [...conversationIds];
    if (ids.length > 0) {
      this.#o.broadcast({ topic: 'conversations', data: {} });
      for (const conversationId of ids) this.#o.broadcast({ topic: messagesTopic(conversationId), data: { conversationId } });
    }
    void this.#emitState();
  }

  async #emitState(): Promise<void> {
    try {
      this.#pending = await pendingCount(this.#o.db);
    } catch {
      return; // the database was closed (sign-out): nothing left to report
    }
    const state = this.state();
    const serialized = JSON.stringify(state);
    if (serialized === this.#lastBroadcastState) return;
    this.#lastBroadcastState = serialized;
    this.#o.broadcast({ topic: 'sync', data: state });
  }

  /**
   * Runs a flush or pull so that it never rejects: callers fire it and forget (`void flush()`), and
   * a store closed by sign-out or a storage failure must not become an unhandled rejection. The
   * state shows what went wrong by type (errors.ts): a bug is `internal`, not a storage failure.
   */
  async #guarded(task: () => Promise<RunResult>): Promise<RunResult> {
    try {
      return await task();
    } catch (error) {
      if (!this.#halted) {
        this.#lastErrorCode = errorCodeFor(error);
        logFailure('sync run', error);
      }
      return 'failed';
    }
  }

  #noteAnswer(status: number): void {
    this.#online = status !== 0;
  }

  #expire(): void {
    if (this.#halted) return;
    this.#halted = true;
    this.#lastErrorCode = 'unauthenticated';
    this.#clearTimer();
    this.#o.onSessionExpired?.();
    this.#o.broadcast({ topic: 'auth', data: { user: this.#o.user ?? null, expired: true } });
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #scheduleRetry(code: ErrorCode, keys: readonly number[], options?: { slowest: boolean }): Promise<void> {
    this.#lastErrorCode = code;
    const delay = options?.slowest ? this.#backoff.max() : this.#backoff.next();
    const nextAttemptAt = this.#o.now() + delay;
    await this.#o.db.outbox
      .where('key')
      .anyOf([...keys])
      .modify((entry) => {
        entry.attempts += 1;
        entry.nextAttemptAt = nextAttemptAt;
      });
    this.#clearTimer();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, delay);
    this.#o.onRetryScheduled?.(delay);
  }

  #succeeded(): void {
    this.#backoff.reset();
    this.#clearTimer();
    this.#lastErrorCode = null;
    this.#lastSyncAt = this.#o.now();
  }

  async #flushOnce(): Promise<RunResult> {
    const db = this.#o.db;
    let resets = 0;
    for (;;) {
      if (this.#halted) return 'failed';
      const entries = await db.outbox.orderBy('key').limit(LIMITS.PUSH_BATCH_MAX).toArray();
      if (entries.length === 0) {
        this.#backoff.reset();
        this.#clearTimer();
        await this.#emitState();
        return 'done';
      }
      const keys = entries.map((entry) => entry.key);
      // Files attached (maybe offline) go up before the message that names them.
      const staged = await uploadStagedFiles(db, { fetch: this.#o.fetch, baseUrl: this.#o.baseUrl }, entries);
      if (staged.expired) {
        this.#expire();
        await this.#emitState();
        return 'failed';
      }
      if (staged.transientCode) {
        this.#noteAnswer(staged.transientCode === 'offline' ? 0 : 200);
        await this.#scheduleRetry(staged.transientCode, keys);
        await this.#emitState();
        return 'failed';
      }
      if (staged.dropped > 0) {
        this.notifyChanged(entries.map((entry) => (entry.args as { conversationId?: string }).conversationId ?? '').filter(Boolean));
        continue;
      }
      const mutations = entries.map(({ id, kind, args }) => ({ id, kind, args }));
      // The cursor tells the server which epoch this outbox was written against (see the reset below).
      const cursor = await getMeta<string>(db, META.cursor);
      const body = { deviceId: this.#o.deviceId, mutations, ...(cursor === undefined ? {} : { cursor }) };
      const response = await this.#api.call('POST', '/api/sync/push', body);
      this.#noteAnswer(response.status);
      if (response.status === 401) {
        this.#expire();
        await this.#emitState();
        return 'failed';
      }
      const reply = response.status === 200 ? PushReply.safeParse(response.body) : undefined;
      if (!reply?.success) {
        // A 5xx, 429 or no answer is expected to pass; any other refusal of the whole batch is kept
        // too (never drop an offline message), retried at the slowest pace.
        const code = response.status === 200 ? 'internal' : errorCodeOf(response);
        await this.#scheduleRetry(code, keys, { slowest: response.status !== 200 && !isTransient(response) });
        await this.#emitState();
        return 'failed';
      }
      if (reply.data.reset) {
        // The store lost its data: nothing was applied. Reset first (it re-queues the creation of the
        // conversations the outbox writes to), then push again against the new epoch.
        resets += 1;
        if (resets > MAX_RESETS_PER_PULL) {
          await this.#scheduleRetry('internal', keys);
          return 'failed';
        }
        await this.pull();
        continue;
      }
      const outcome = await applyPushResults(db, entries, reply.data.results);
      this.#succeeded();
      await db.meta.put({ key: META.lastSyncAt, value: this.#lastSyncAt });
      this.notifyChanged(outcome.touched);
      if (outcome.transientCode) {
        await this.#scheduleRetry(outcome.transientCode, keys);
        await this.#emitState();
        return 'failed';
      }
      if (outcome.settled === 0) return 'done';
    }
  }

  async #pullOnce(): Promise<RunResult> {
    const db = this.#o.db;
    let resets = 0;
    // A device's first pull (or one after a reset) brings history back: that is not news to notify.
    let notify = (await getMeta<string>(db, META.cursor)) !== undefined;
    for (;;) {
      if (this.#halted) return 'failed';
      const cursor = await getMeta<string>(db, META.cursor);
      const query = cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`;
      const response = await this.#api.call('GET', `/api/sync/pull${query}`);
      this.#noteAnswer(response.status);
      if (response.status === 401) {
        this.#expire();
        await this.#emitState();
        return 'failed';
      }
      const reply = response.status === 200 ? PullReply.safeParse(response.body) : undefined;
      if (!reply?.success) {
        this.#lastErrorCode = response.status === 200 ? 'internal' : errorCodeOf(response);
        await this.#emitState();
        return 'failed';
      }
      const page = reply.data;
      if ('reset' in page) {
        resets += 1;
        if (resets > MAX_RESETS_PER_PULL) {
          this.#lastErrorCode = 'internal';
          return 'failed';
        }
        await this.#resetLocal(page.cursor);
        notify = false;
        continue;
      }
      const outcome = await db.transaction('rw', applyTables(db), async () => {
        const applied = await applyChanges(db, page.changes, { detectGaps: false, userId: this.#o.userId, notify });
        await db.meta.put({ key: META.cursor, value: page.cursor });
        await db.meta.put({ key: META.lastSyncAt, value: this.#o.now() });
        return applied;
      });
      this.#lastSyncAt = this.#o.now();
      this.#lastErrorCode = null;
      this.notifyChanged(outcome.touched);
      if (!page.hasMore) break;
    }
    // Re-send the outbox against the new epoch. A flush that asked for this pull (push answered
    // `reset`) is waiting on it and pushes again itself: awaiting it here would deadlock.
    if (resets > 0) {
      if (this.#flush.running) void this.flush();
      else await this.flush();
    }
    return 'done';
  }

  /** Forgets what the server will resend after a reset; keeps what only this device has. */
  async #resetLocal(cursor: string): Promise<void> {
    const dropped = await resetLocalStore(this.#o.db, cursor, { userId: this.#o.userId, now: this.#o.now() });
    this.notifyChanged(dropped);
  }
}
