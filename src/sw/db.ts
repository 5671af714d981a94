import Dexie, { type EntityTable, type Table } from 'dexie';
import type { Conversation, User } from '../shared/model.ts';
import type { MutationKind } from '../shared/http.ts';
import type { LocalMessage } from '../shared/sw-protocol.ts';

/**
 * The local store of one signed-in user (`relais-<userId>`), and the tiny `relais-session` store that
 * remembers who is signed in so a restarted service worker knows which database to open.
 *
 * One database per user keeps the users of a shared tablet apart (invariant 6): signing in as
 * someone else opens another database; sign-out deletes the user's database.
 */

/** A conversation as stored locally (the server's object; summaries are computed by queries). */
export type StoredConversation = Conversation;

/** A mutation waiting to be pushed. `key` orders the outbox; `id` is the idempotency key. */
export interface OutboxEntry {
  key: number;
  id: string;
  kind: MutationKind;
  args: unknown;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
}

/** Highest seq `userId` has read in `conversationId`. */
export interface ReadRow {
  conversationId: string;
  userId: string;
  seq: number;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

/** The IndexedDB implementation to use; defaults to the global one (the browser, or fake-indexeddb). */
export interface IdbDeps {
  indexedDB: IDBFactory;
  IDBKeyRange: typeof IDBKeyRange;
}

/** Name of a user's database. */
export function userDbName(userId: string): string {
  return `relais-${userId}`;
}

export class RelaisDb extends Dexie {
  conversations!: EntityTable<StoredConversation, 'id'>;
  messages!: EntityTable<LocalMessage, 'messageId'>;
  outbox!: EntityTable<OutboxEntry, 'key'>;
  reads!: Table<ReadRow, [string, string]>;
  meta!: EntityTable<MetaRow, 'key'>;

  constructor(userId: string, deps?: IdbDeps) {
    super(userDbName(userId), deps);
    this.version(1).stores({
      conversations: 'id',
      // Pending messages have seq null: IndexedDB leaves them out of [conversationId+seq], which is
      // what the "sent ones by seq" queries want.
      messages: 'messageId, [conversationId+seq], [conversationId+time], status',
      outbox: '++key, id',
      reads: '[conversationId+userId]',
      meta: 'key',
    });
  }
}

/** Meta keys. */
export const META = {
  cursor: 'cursor',
  deviceId: 'deviceId',
  lastSyncAt: 'lastSyncAt',
  draft: (conversationId: string) => `draft:${conversationId}`,
} as const;

/** Reads a meta value (undefined when absent). */
export async function getMeta<T>(db: RelaisDb, key: string): Promise<T | undefined> {
  const row = await db.meta.get(key);
  return row?.value as T | undefined;
}

export interface SessionRow {
  key: 'current';
  user: User;
  /** The server said the session is gone; local data and outbox are kept until the user signs in. */
  expired: boolean;
}

/** Who is signed in on this device (survives service worker restarts). */
export class SessionDb extends Dexie {
  session!: EntityTable<SessionRow, 'key'>;

  constructor(deps?: IdbDeps) {
    super('relais-session', deps);
    this.version(1).stores({ session: 'key' });
  }
}
