import { RelaisError } from '../../shared/errors.ts';
import type { User } from '../../shared/model.ts';
import { newId } from '../../shared/ids.ts';
import type { SessionState } from '../../shared/local-model.ts';
import { ApiClient } from '../../shared/api-client.ts';
import { RelaisDb, type IdbDeps } from '../store/db.ts';
import { META, getMeta } from '../store/meta.ts';
import { OFFLINE_UNLOCK_MAX } from '../../shared/limits.ts';
import { SessionDb, type PasswordVerifier, type UnlockAttempts } from './session-db.ts';
import { unlockDelayMs } from './lock.ts';

const NO_FAILURES: UnlockAttempts = { failures: 0, retryAt: 0 };
import { logFailure } from '../log.ts';
import { SyncEngine } from '../sync/engine.ts';
import type { EngineHost } from '../sync/sync-run.ts';

/**
 * Who is signed in on this device, and that user's open database and sync engine.
 * Signing in as another user opens another database, so nothing of the previous user is visible
 * (invariant 6); the previous user's outbox stays in their own database until they sign in again.
 */

export interface SwContextOptions extends EngineHost {
  /** IndexedDB implementation (a private fake-indexeddb factory per simulated device in tests). */
  idb?: IdbDeps;
  /** After sign-out deleted the user's database: the SW also drops private caches and shown notifications. */
  onSignedOut?: (userId: string) => Promise<void>;
}

/** The signed-in user's store and engine. */
export interface ActiveUser {
  user: User;
  db: RelaisDb;
  engine: SyncEngine;
}

export class SwContext {
  readonly options: SwContextOptions;
  readonly api: ApiClient;
  readonly sessionDb: SessionDb;
  #active: ActiveUser | null = null;
  #expired = false;
  /** Why the last user's store was wiped (remote wipe), until someone signs in. */
  #wiped: SessionState['wiped'];
  #locked = false;
  /** Signed in here with a password (its verifier kept for an offline unlock), not through single sign-on. */
  #password = false;
  /** Failed offline unlock attempts and when the next one is checked, as stored (lock.ts). */
  #unlock: UnlockAttempts = NO_FAILURES;
  #ready: Promise<void> | null = null;

  constructor(options: SwContextOptions) {
    this.options = options;
    this.api = new ApiClient({ fetch: options.fetch, baseUrl: options.baseUrl });
    this.sessionDb = new SessionDb(options.idb);
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  get active(): ActiveUser | null {
    return this.#active;
  }

  /** What the tabs show: who is signed in, whether the server said the session is gone, the lock. */
  session(): SessionState {
    const user = this.#active?.user ?? null;
    return {
      user,
      expired: this.#expired,
      ...(user && this.#locked ? { locked: true, unlock: { ...this.#unlock, password: this.#password } } : {}),
      ...(user ? {} : { wiped: this.#wiped }),
    };
  }

  /** True while the screen is locked (only ever with a user signed in): the router answers `locked` to data requests. */
  get locked(): boolean {
    return this.#locked;
  }

  /**
   * Counts one offline unlock attempt before its password is checked (in memory first, so attempts
   * made at once are each counted): refused with `rate_limited` until the wait its earlier failures
   * set is over, with `offline` once OFFLINE_UNLOCK_MAX failed (only the server unlocks then).
   */
  async chargeOfflineUnlock(): Promise<void> {
    const { failures, retryAt } = this.#unlock;
    const now = this.now();
    if (failures >= OFFLINE_UNLOCK_MAX) throw new RelaisError('offline');
    if (retryAt > now) throw new RelaisError('rate_limited');
    this.#unlock = { failures: failures + 1, retryAt: now + unlockDelayMs(failures + 1) };
    await this.sessionDb.session.update('current', { unlock: this.#unlock });
  }

  /**
   * Locks every tab of the signed-in user (inactivity) until `unlocked()`; remembered across SW
   * restarts. The `auth.lock` request calls it once the context is ready and someone is signed in.
   */
  async lock(): Promise<void> {
    this.#locked = true;
    await this.sessionDb.session.update('current', { locked: true });
    this.announce();
  }

  /** Opens the tabs again after the password was checked. */
  async unlocked(): Promise<void> {
    this.#locked = false;
    this.#unlock = NO_FAILURES;
    await this.sessionDb.session.update('current', { locked: false, unlock: NO_FAILURES });
    this.announce();
  }

  /** Tells every tab the session as it stands (the `auth` topic). */
  announce(): void {
    this.options.broadcast({ topic: 'auth', data: this.session() });
  }

  /** Reopens the remembered user's database and engine after a service worker restart (once). */
  ready(): Promise<void> {
    this.#ready ??= (async () => {
      const row = await this.sessionDb.session.get('current');
      if (row) {
        this.#locked = row.locked === true;
        this.#unlock = row.unlock ?? NO_FAILURES;
        this.#password = row.verifier !== undefined;
        await this.#open(row.user, { expired: row.expired });
      }
    })().catch((error: unknown) => {
      this.#ready = null; // let the next request try again (storage may come back)
      throw error;
    });
    return this.#ready;
  }

  /**
   * Signs `user` in on this device: remembers them, opens their database, starts syncing.
   * `verifier`: the salted hash that lets the lock screen open offline (lock.ts).
   */
  async signIn(user: User, options: { verifier?: PasswordVerifier } = {}): Promise<ActiveUser> {
    await this.ready();
    await this.sessionDb.session.put({
      key: 'current',
      user,
      expired: false,
      locked: false,
      ...(options.verifier ? { verifier: options.verifier } : {}),
    });
    this.#expired = false;
    this.#wiped = undefined;
    this.#locked = false;
    this.#unlock = NO_FAILURES;
    this.#password = options.verifier !== undefined;
    let opened = this.#active;
    if (opened?.user.id === user.id) {
      opened.user = user;
      opened.engine.resume();
    } else {
      this.#close();
      opened = await this.#open(user, { expired: false });
    }
    this.announce();
    void opened.engine.sync('start');
    return opened;
  }

  /** Signs out: deletes the user's database and forgets them. Resolves with the discarded outbox size. */
  async signOut(): Promise<number> {
    await this.ready();
    const active = this.#active;
    let discarded = 0;
    if (active) {
      discarded = await active.db.outbox.count();
      active.engine.stop();
      this.#active = null;
      await active.db.delete();
    }
    await this.sessionDb.session.delete('current');
    this.#expired = false;
    this.#locked = false;
    if (active) {
      await this.options.onSignedOut?.(active.user.id).catch((error: unknown) => logFailure('sign-out clean-up', error));
    }
    this.announce();
    return discarded;
  }

  /** Closes the open store without deleting it (tests simulate a service worker restart with it). */
  close(): void {
    this.#close();
    this.sessionDb.close();
  }

  #close(): void {
    if (!this.#active) return;
    this.#active.engine.stop();
    this.#active.db.close();
    this.#active = null;
  }

  async #open(user: User, options: { expired: boolean }): Promise<ActiveUser> {
    const db = new RelaisDb(user.id, this.options.idb);
    let deviceId = await getMeta<string>(db, META.deviceId);
    if (!deviceId) {
      deviceId = newId();
      await db.meta.put({ key: META.deviceId, value: deviceId });
    }
    const engine = new SyncEngine({
      // The server, the tabs, the clock, the jitter and the retry hook are the context's own.
      ...this.options,
      db,
      deviceId,
      userId: user.id,
      user,
      onSessionExpired: (code) => {
        // Ended from elsewhere (remote wipe): nothing of the user stays on this device.
        if (code === 'device_revoked' || code === 'account_closed') {
          this.#wiped = code;
          void this.signOut().catch((error: unknown) => logFailure('remote wipe', error));
          return;
        }
        this.#expired = true;
        this.sessionDb.session.update('current', { expired: true }).catch((error: unknown) => logFailure('recording the expired session', error));
      },
    });
    await engine.init();
    if (options.expired) engine.stop();
    this.#expired = options.expired;
    this.#active = { user, db, engine };
    return this.#active;
  }
}
