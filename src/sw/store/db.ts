import Dexie, { type EntityTable, type Table } from 'dexie';
import type { Conversation, User } from '../../shared/model.ts';
import type { MutationKind } from '../../shared/mutations.ts';
import type { LocalMessage } from '../../shared/local-model.ts';
import { indexMessages } from './search-index.ts';

/**
 * The local store of one signed-in user (`relais-<userId>`), and the tiny `relais-session` store that
 * remembers who is signed in so a restarted service worker knows which database to open.
 *
 * One database per user keeps the users of a shared tablet apart (invariant 6): signing in as
 * someone else opens another database; sign-out deletes the user's database.
 */

/** A conversation as stored locally (the server's object; summaries are computed by queries). */
export type StoredConversation = Conversation;

/**
 * A message as stored, with two keys for sparse indexes (SCHEMA_V4), each `[conversationId, seq]`
 * once sent: `ownKey` on the user's own messages, `urgentKey` on urgent messages from someone else.
 * A message without the key is not in that index, so the messages of others (most of what a device
 * stores) cost no index write for the first, and only the rare urgent ones for the second. (One
 * array-valued field each, not `[conversationId+…]` compound indexes: Dexie would then answer
 * `where('conversationId')` from whichever compound index it picks, maybe a sparse one.)
 */
export type StoredMessage = LocalMessage & { ownKey?: [string, number]; urgentKey?: [string, number] };

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

/**
 * One entry of the notification queue (notifications.ts): a message from someone else, an incoming
 * or missed call, a system event. `title` is composed when stored, in the user's language.
 */
export interface NotificationRow {
  id: string;
  type: 'message' | 'call' | 'missed_call' | 'system';
  title: string;
  /** The message text (kept in this user's own store; native notifications show it only if allowed). */
  body: string;
  /** Where a click leads: `/c/<conversationId>` (a call: with `?call=<callId>`). */
  link: string;
  conversationId: string | null;
  /** The message's seq, so reading the conversation up to it marks this read. */
  seq?: number;
  messageId?: string;
  callId?: string;
  urgent: boolean;
  /** When it was created (ms): the TTL clean-up ages it from here. */
  time: number;
  read: boolean;
}

/** One entry of the call history. */
export interface CallRow {
  id: string;
  conversationId: string | null;
  /** When the call started or was missed (ms). */
  time: number;
}

/** A file kept in the store until the outbox uploads it (then `id` is its server id, SHA-256). */
export interface FileRow {
  localId: string;
  messageId: string;
  conversationId: string;
  name: string;
  mime: string;
  bytes: ArrayBuffer;
  thumb?: { bytes: ArrayBuffer; mime: string };
  width?: number;
  height?: number;
  id?: string;
  thumbId?: string;
}

/** My archive and "delete for me" positions in one conversation. */
export interface ConvStateRow {
  conversationId: string;
  archivedAtSeq: number | null;
  hiddenUpToSeq: number;
}

/**
 * A piece of the local search index (search-index.ts): the folded bodies of many sent messages,
 * with each one's message id and time.
 */
export interface SearchChunkRow {
  /** Order of the chunk: new messages go to the last one until it is full. */
  n: number;
  texts: string[];
  ids: string[];
  times: number[];
  /** Newest entry's time in all the chunks before this one: the search reads them last to first. */
  floorMax: number;
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

/**
 * Schema history. A version is never edited once shipped: a change is a new version, and a unit test
 * opens a database filled with the previous one (tests/unit/sw-db-upgrade.test.ts).
 */
export const SCHEMA_V1 = {
  conversations: 'id',
  // Pending messages have seq null: IndexedDB leaves them out of [conversationId+seq], which is
  // what the "sent ones by seq" queries want.
  messages: 'messageId, [conversationId+seq], [conversationId+time], status',
  outbox: '++key, id',
  reads: '[conversationId+userId]',
  meta: 'key',
} as const;

/** v2: a `time` index for the TTL clean-up, and the notification and call-history tables. */
export const SCHEMA_V2 = {
  messages: 'messageId, [conversationId+seq], [conversationId+time], status, time',
  notifications: 'id, time, conversationId',
  calls: 'id, time',
  /** Files attached (maybe offline) and not yet uploaded, by message (attachments.ts). */
  files: 'localId, messageId',
  /** My own archive / "deleted for me" position per conversation (conversation.userState). */
  convStates: 'conversationId',
} as const;

/**
 * v3: messages lose `[conversationId+time]` (every index costs a write per stored message; dropping
 * a conversation finds its messages by seq and status instead), and the search index is added,
 * built from the messages already stored.
 */
export const SCHEMA_V3 = {
  messages: 'messageId, [conversationId+seq], status, time',
  searchChunks: 'n',
} as const;

/**
 * v4: the conversation list's unread counts and urgent flags from index keys alone, where it walked
 * every unread message (twice) on each refresh. Unread = sent messages past my read seq minus my own
 * ones there (sparse ownKey index); urgent = any key past my read seq on the sparse urgentKey index.
 */
export const SCHEMA_V4 = {
  messages: 'messageId, [conversationId+seq], ownKey, urgentKey, status, time',
} as const;

/** `message` with the sparse index keys it must carry for `userId` (see StoredMessage). */
export function withIndexKeys(message: StoredMessage, userId: string | undefined): StoredMessage {
  const { ownKey: _own, urgentKey: _urgent, ...plain } = message;
  const { conversationId, seq } = plain;
  if (seq === null) return plain;
  if (userId !== undefined && plain.senderId === userId) return { ...plain, ownKey: [conversationId, seq] };
  return plain.urgent ? { ...plain, urgentKey: [conversationId, seq] } : plain;
}

export class RelaisDb extends Dexie {
  conversations!: EntityTable<StoredConversation, 'id'>;
  messages!: EntityTable<StoredMessage, 'messageId'>;
  outbox!: EntityTable<OutboxEntry, 'key'>;
  reads!: Table<ReadRow, [string, string]>;
  meta!: EntityTable<MetaRow, 'key'>;
  notifications!: EntityTable<NotificationRow, 'id'>;
  calls!: EntityTable<CallRow, 'id'>;
  files!: EntityTable<FileRow, 'localId'>;
  convStates!: EntityTable<ConvStateRow, 'conversationId'>;
  searchChunks!: EntityTable<SearchChunkRow, 'n'>;

  constructor(userId: string, deps?: IdbDeps) {
    super(userDbName(userId), deps);
    this.version(1).stores(SCHEMA_V1);
    // Adding indexes and tables: Dexie builds them from the existing rows, no data is rewritten.
    this.version(2).stores(SCHEMA_V2);
    this.version(3)
      .stores(SCHEMA_V3)
      .upgrade(async (tx) => {
        const sent = await tx.table<LocalMessage>('messages').where('status').equals('sent').toArray();
        // In slices, as pull pages come: each fills the last chunk up to its size.
        for (let i = 0; i < sent.length; i += 500) await indexMessages(tx.table('searchChunks'), sent.slice(i, i + 500));
      });
    this.version(4)
      .stores(SCHEMA_V4)
      .upgrade(async (tx) => {
        await tx
          .table<StoredMessage>('messages')
          .where('status')
          .equals('sent')
          .filter((message) => message.senderId === userId || message.urgent)
          .modify((message, ref) => {
            ref.value = withIndexKeys(message, userId);
          });
      });
  }
}

/** Meta keys. */
export const META = {
  cursor: 'cursor',
  deviceId: 'deviceId',
  lastSyncAt: 'lastSyncAt',
  draft: (conversationId: string) => `draft:${conversationId}`,
  /** User settings (retention, auto-lock), see settings.ts. */
  settings: 'settings',
  lastCleanupAt: 'lastCleanupAt',
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
  /** The screen is locked (auto-lock): every tab hides its content until the password is given. */
  locked?: boolean;
  /** Salted PBKDF2 hash of the password, to unlock while offline (see lock.ts). */
  verifier?: PasswordVerifier;
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
