import type { ApiClient, ApiResponse, FetchLike } from '../../shared/api-client.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { RelaisDb } from '../store/db.ts';
import type { Broadcast } from '../broadcast.ts';

/** What the service worker gives the engine (through its session context): the server, the tabs, the clock. */
export interface EngineHost {
  fetch: FetchLike;
  /** Origin of the gateway (`self.location.origin` in the service worker). */
  baseUrl: string;
  broadcast: Broadcast;
  now?: () => number;
  random?: () => number; // jitter source for the backoff
  /** A retry was scheduled (the service worker also registers Background Sync). */
  onRetryScheduled?: (delayMs: number) => void;
  /** The paths visible windows show: a message arriving in a conversation on screen is read live, not news. */
  visiblePaths?: () => Promise<readonly string[]>;
  /** Has an open tab carry a push body of `userId` on its realtime socket (tab-carrier.ts); null: none did, push over HTTP. */
  carry?: (push: unknown, userId: string) => Promise<ApiResponse | null>;
}

/**
 * What a flush or a pull run works with: the user's store, the server, and the engine's state it
 * reports to. SyncEngine (engine.ts) gives its runs this view of itself; flush.ts and pull.ts are
 * the runs.
 */
export interface SyncRun {
  readonly db: RelaisDb;
  readonly api: ApiClient;
  /** See EngineHost.carry. */
  readonly carry?: EngineHost['carry'];
  readonly deviceId: string;
  readonly userId: string;
  now(): number;
  /** True once the session expired or the engine stopped: a run ends at its next step. */
  halted(): boolean;
  /**
   * The server answered `status` (0: no answer, the device is offline; 401: the session is gone,
   * `code` saying whether it was ended from elsewhere: `device_revoked`, `account_closed`).
   */
  answered(status: number, code?: ErrorCode): void;
  /** The server said the session is gone (an upload answered 401). */
  expire(): void;
  /** The run ended on `code`: the state shows it until the next success. */
  failed(code: ErrorCode): void;
  /** The server took a push or gave a page: the error clears. Resolves with the time of this sync. */
  synced(): number;
  /** Keeps `keys` queued and flushes again after the backoff (at its slowest pace when asked). */
  retryLater(code: ErrorCode, keys: readonly number[], options?: { slowest: boolean }): Promise<void>;
  /** Nothing waits for a retry any more: the backoff starts over. */
  cancelRetry(): void;
  /** Broadcasts the sync state when it changed. */
  report(): Promise<void>;
  /** Which conversations' new messages are news to queue a notification for (not those on screen). */
  news(): Promise<(conversationId: string) => boolean>;
  /** Tells the tabs that these conversations changed in the store. */
  changed(conversationIds: Iterable<string>): void;
  /** The store was reset to the server's new epoch; `dropped`: the conversations it no longer holds. */
  storeReset(dropped: readonly string[]): void;
  flush(): Promise<void>;
  pull(): Promise<void>;
  /** True while a flush runs. */
  flushing(): boolean;
}
