import { ApiClient } from '../../shared/api-client.ts';
import { Backoff, OUTBOX_BACKOFF } from '../../shared/backoff.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { LocalMessage, SyncState } from '../../shared/local-model.ts';
import type { Change, User } from '../../shared/model.ts';
import type { Mutation, MutationResult } from '../../shared/mutations.ts';
import { messagesTopic } from '../../shared/sw-events.ts';
import { errorCodeFor } from '../errors.ts';
import { logFailure } from '../log.ts';
import type { RelaisDb } from '../store/db.ts';
import { META, getMeta } from '../store/meta.ts';
import { applyChanges } from './apply-changes.ts';
import { flushOutbox } from './flush.ts';
import { LiveApplier } from './live-apply.ts';
import { enqueueMessage, enqueueReadMark, markAttempted, pendingCounts, requeueMessage } from './outbox.ts';
import { newsFilter } from '../notifications/queue.ts';
import { pullChanges } from './pull.ts';
import { pushBatch } from './endpoints.ts';
import { SingleFlight, type RunResult } from './single-flight.ts';
import type { EngineHost, SyncRun } from './sync-run.ts';

/**
 * The sync engine of one signed-in user: pushes the outbox (flush.ts), pulls changes (pull.ts),
 * applies live frames (live-apply.ts; a seq past last local seq + 1 means a missed event: pull),
 * and keeps the state the tabs show.
 *
 *   flush() ─┐ one at a time each (SingleFlight): a call during a run joins it, and one more run follows
 *   pull()  ─┘ a run that throws leaves its error code in the state, never an unhandled rejection
 *
 *   state: online ── no answer from the server ──▶ offline (the next answer brings it back)
 *          running ── 401 ──▶ expired: nothing is pushed or pulled until resume() (sign-in again)
 *          a failed push ──▶ retry timer (backoff 1 s … 60 s) ── fires ──▶ flush()
 */

export interface SyncEngineOptions extends EngineHost {
  db: RelaisDb;
  deviceId: string;
  userId: string;
  /** The signed-in user, echoed in the `auth` event when the session expires. */
  user?: User;
  /**
   * The server answered 401: the session is gone (local data and outbox are kept), or, with `code`
   * `device_revoked`/`account_closed`, it was ended from elsewhere (the context wipes the store).
   * Not for `session_replaced`: a request sent with the cookie a new sign-in here replaced.
   */
  onSessionExpired?: (code?: ErrorCode) => void;
}

export class SyncEngine {
  readonly #options: SyncEngineOptions;
  readonly #now: () => number;
  readonly #api: ApiClient;
  readonly #backoff: Backoff;
  /** What the flush and pull runs see of this engine. */
  readonly #run: SyncRun;
  readonly #flush = new SingleFlight(() => this.#guarded(() => flushOutbox(this.#run)));
  readonly #pull = new SingleFlight(() => this.#guarded(() => pullChanges(this.#run)));
  readonly #live = new LiveApplier((changes) => this.#applyLiveBatch(changes));
  #timer: ReturnType<typeof setTimeout> | null = null;
  #halted = false;
  #online = true;
  #pending = { messages: 0, changes: 0 };
  #lastSyncAt: number | null = null;
  #lastErrorCode: ErrorCode | null = null;
  #lastBroadcastState = '';

  constructor(options: SyncEngineOptions) {
    const now = options.now ?? Date.now;
    this.#options = options;
    this.#now = now;
    this.#api = new ApiClient({ fetch: options.fetch, baseUrl: options.baseUrl });
    this.#backoff = new Backoff(OUTBOX_BACKOFF, options.random);
    this.#run = {
      db: options.db,
      api: this.#api,
      ...(options.carry ? { carry: options.carry } : {}),
      deviceId: options.deviceId,
      userId: options.userId,
      now,
      halted: () => this.#halted,
      answered: (status, code) => {
        this.#online = status !== 0;
        if (status === 401) this.#expire(code);
      },
      expire: () => this.#expire(),
      failed: (code) => void (this.#lastErrorCode = code),
      synced: () => {
        this.#lastErrorCode = null;
        return (this.#lastSyncAt = now());
      },
      retryLater: (code, keys, retry) => this.#retryLater(code, keys, retry),
      cancelRetry: () => {
        this.#backoff.reset();
        this.#clearTimer();
      },
      report: () => this.#emitState(),
      news: () => newsFilter(this.#options.visiblePaths),
      changed: (conversationIds) => this.notifyChanged(conversationIds),
      storeReset: (dropped) => {
        this.#live.reset();
        this.notifyChanged(dropped);
      },
      flush: () => this.flush(),
      pull: () => this.pull(),
      flushing: () => this.#flush.running,
    };
  }

  /** Loads persisted state (last sync time, outbox size). Call once after construction. */
  async init(): Promise<void> {
    this.#lastSyncAt = (await getMeta<number>(this.#options.db, META.lastSyncAt)) ?? null;
    this.#pending = await pendingCounts(this.#options.db);
  }

  /** The state the tabs show (online, flushing, pending count, last sync, last error). */
  state(): SyncState {
    return {
      online: this.#online,
      flushing: this.#flush.running,
      pending: this.#pending.messages,
      changes: this.#pending.changes,
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
    await this.#live.idle();
    while (this.#flush.current || this.#pull.current) {
      await Promise.all([this.#flush.current, this.#pull.current]);
    }
  }

  /** Applies the changes of a live frame, batched, each once (live-apply.ts); resolves when they are stored. */
  applyLive(changes: readonly Change[]): Promise<void> {
    return this.#live.apply(changes);
  }

  async #applyLiveBatch(changes: readonly Change[]): Promise<void> {
    const { db, userId } = this.#options;
    const outcome = await applyChanges(db, changes, { detectGaps: true, userId, notify: await newsFilter(this.#options.visiblePaths) });
    this.#announce([...outcome.touched]);
    if (outcome.gaps.size > 0) void this.pull();
  }

  /** Local echo of a new message (message + outbox entry in one transaction), then a background flush. */
  async send(message: LocalMessage): Promise<LocalMessage> {
    const { db } = this.#options;
    const existing = await db.messages.get(message.messageId);
    if (existing) return existing;
    await enqueueMessage(db, message, this.#now());
    this.notifyChanged([message.conversationId]);
    void this.flush();
    return message;
  }

  /** Re-queues a failed message with the same id ("Réessayer"); undefined when unknown. */
  async retry(messageId: string): Promise<LocalMessage | undefined> {
    const message = await requeueMessage(this.#options.db, messageId, this.#now());
    if (!message) return undefined;
    this.notifyChanged([message.conversationId]);
    void this.flush();
    return message;
  }

  /** Marks a conversation read up to `seq` locally and queues the (coalesced) `read.mark`. */
  async markRead(conversationId: string, seq: number): Promise<void> {
    const { db, userId } = this.#options;
    await enqueueReadMark(db, { conversationId, userId, seq }, this.#now());
    this.notifyChanged([conversationId]);
    void this.flush();
  }

  /**
   * Pushes one mutation now, outside the outbox (conversation creation needs the server's answer).
   * Resolves with its result, or `{ok: false}` with `offline`/`unauthenticated`/… when no result came.
   */
  async pushNow(mutation: Mutation): Promise<MutationResult> {
    const answer = await pushBatch(this.#run, [mutation]);
    const result = answer.ok ? answer.body.results.find((r) => r.id === mutation.id) : undefined;
    return result ?? { id: mutation.id, ok: false, error: { code: answer.ok ? 'internal' : answer.code } };
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

  /**
   * Something other than a live frame wrote these conversations: broadcasts `conversations` and
   * `messages:<id>` for them, and the sync state; their next live change applies whatever it is.
   */
  notifyChanged(conversationIds: Iterable<string>): void {
    const ids = [...conversationIds];
    this.#live.forget(ids);
    this.#announce(ids);
  }

  #announce(ids: readonly string[]): void {
    if (ids.length > 0) {
      this.#options.broadcast({ topic: 'conversations', data: {} });
      for (const conversationId of ids) this.#options.broadcast({ topic: messagesTopic(conversationId), data: { conversationId } });
    }
    void this.#emitState();
  }

  async #emitState(): Promise<void> {
    try {
      this.#pending = await pendingCounts(this.#options.db);
    } catch {
      return; // the database was closed (sign-out): nothing left to report
    }
    const state = this.state();
    const serialized = JSON.stringify(state);
    if (serialized === this.#lastBroadcastState) return;
    this.#lastBroadcastState = serialized;
    this.#options.broadcast({ topic: 'sync', data: state });
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

  #expire(code?: ErrorCode): void {
    if (this.#halted || code === 'session_replaced') return;
    this.#halted = true;
    this.#lastErrorCode = 'unauthenticated';
    this.#clearTimer();
    this.#options.onSessionExpired?.(code);
    this.#options.broadcast({ topic: 'auth', data: { user: this.#options.user ?? null, expired: true } });
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #retryLater(code: ErrorCode, keys: readonly number[], options?: { slowest: boolean }): Promise<void> {
    this.#lastErrorCode = code;
    const delay = options?.slowest ? this.#backoff.max() : this.#backoff.next();
    await markAttempted(this.#options.db, keys, this.#now() + delay);
    this.#clearTimer();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, delay);
    this.#options.onRetryScheduled?.(delay);
  }
}
