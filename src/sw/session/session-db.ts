import Dexie, { type EntityTable } from 'dexie';
import type { User } from '../../shared/model.ts';
import type { IdbDeps } from '../store/db.ts';

/**
 * The tiny `relais-session` database that remembers who is signed in on this device, so a
 * restarted service worker knows which user's database to open (store/db.ts).
 */

export interface SessionRow {
  key: 'current';
  user: User;
  /** The server said the session is gone; local data and outbox are kept until the user signs in. */
  expired: boolean;
  /** The screen is locked (auto-lock): every tab hides its content until the password is given. */
  locked?: boolean;
  /** Salted PBKDF2 hash of the password, to unlock while offline (see lock.ts). */
  verifier?: PasswordVerifier;
  /** Offline unlock attempts failed since the last unlock, and when the next one is checked (lock.ts). */
  unlock?: UnlockAttempts;
}

/** Failed offline unlock attempts in a row, and from when (ms since epoch) the next one is checked. */
export interface UnlockAttempts {
  failures: number;
  retryAt: number;
}

/** A salted PBKDF2-SHA-256 hash of the user's password, never the password itself (IndexedDB stores the bytes as they are). */
export interface PasswordVerifier {
  salt: Uint8Array<ArrayBuffer>;
  hash: Uint8Array<ArrayBuffer>;
  iterations: number;
}

/** Who is signed in on this device (survives service worker restarts). */
export class SessionDb extends Dexie {
  session!: EntityTable<SessionRow, 'key'>;

  constructor(deps?: IdbDeps) {
    super('relais-session', deps);
    this.version(1).stores({ session: 'key' });
  }
}
