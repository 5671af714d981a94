import Dexie, { type EntityTable, type Table } from 'dexie';
import type { Conversation } from '../../shared/model.ts';
import type { LocalMessage } from '../../shared/local-model.ts';
import { withIndexKeys, type StoredMessage } from './index-keys.ts';
import type { CallRow, ConvStateRow, FileRow, MetaRow, NotificationRow, OutboxEntry, ReadRow, SearchChunkRow } from './rows.ts';
import { SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4 } from './schema.ts';
import { indexMessages } from './search-index.ts';

/**
 * The local store of one signed-in user (`relais-<userId>`). One database per user keeps the users
 * of a shared tablet apart (invariant 6): signing in as someone else opens another database;
 * sign-out deletes the user's database. (Who is signed in is kept apart: session/session-db.ts.)
 */

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
  conversations!: EntityTable<Conversation, 'id'>;
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
