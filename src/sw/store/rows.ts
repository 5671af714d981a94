import type { MutationKind } from '../../shared/mutations.ts';

/**
 * The rows of the user's local store, table by table (messages are in index-keys.ts, with the
 * index keys they carry; conversations are the server's objects as they are).
 */

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
 * One entry of the notification queue (notifications/queue.ts): a message from someone else, an incoming
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
 * A piece of the local search index (store/search-index.ts): the folded bodies of many sent messages,
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
