import * as z from 'zod/mini';
import type { ErrorCode } from '../../shared/errors.ts';
import type { MutationResult } from '../../shared/mutations.ts';
import { Conversation } from '../../shared/model.ts';
import type { RelaisDb } from '../store/db.ts';
import { withIndexKeys } from '../store/index-keys.ts';
import type { OutboxEntry } from '../store/rows.ts';
import { markFailed } from './outbox.ts';

/**
 * Applying a push answer to the local store: each result settles its outbox entry.
 * ok → the entry is done (a sent message gets its seq and server time); a definitive error → the
 * message is marked failed with the code and the entry removed (the user may retry); a transient
 * error or a missing result → the entry stays for the next attempt.
 */

const SendResult = z.object({ seq: z.number().check(z.int(), z.positive()), serverTime: z.number() });

/**
 * Mutations whose settling changes nothing the device shows: the read mark was applied when it was
 * queued, and an opening only records itself. Announcing their conversation made every open tab ask
 * its page of messages and the list again after each opening (a worker round trip and two reads).
 */
const SETTLED_UNSEEN: ReadonlySet<OutboxEntry['kind']> = new Set(['read.mark', 'conversation.open']);

/** Per-item codes that say "try again later", not "this mutation is wrong". */
const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set(['unavailable', 'internal', 'rate_limited', 'timeout']);

export interface PushOutcome {
  /** Conversations whose local data changed (a read mark or an opening settled changes none). */
  touched: Set<string>;
  /** Entries settled (removed from the outbox). */
  settled: number;
  /** Code of a transient failure when at least one entry must be retried, else null. */
  transientCode: ErrorCode | null;
}

/** The conversation a mutation's result carries (a creation, a group change), if it carries one. */
export function conversationIn(result: unknown): Conversation | undefined {
  const parsed = Conversation.safeParse((result as { conversation?: unknown } | undefined)?.conversation);
  return parsed.success ? parsed.data : undefined;
}

/** The conversation an outbox entry writes to, from its args. */
export function conversationOf(entry: OutboxEntry): string | undefined {
  const args = entry.args as { conversationId?: unknown };
  return typeof args.conversationId === 'string' ? args.conversationId : undefined;
}

async function markSent(db: RelaisDb, messageId: string, seq: number, serverTime: number): Promise<void> {
  const message = await db.messages.get(messageId);
  if (!message) return;
  // Mine: it joins the sparse index of my own messages with its seq.
  const sent = withIndexKeys({ ...message, seq, time: serverTime, status: 'sent' }, message.senderId);
  delete sent.errorCode;
  await db.messages.put(sent);
}

/** Settles `entries` with the server's `results`, in ONE transaction. */
export async function applyPushResults(
  db: RelaisDb,
  entries: readonly OutboxEntry[],
  results: readonly MutationResult[],
): Promise<PushOutcome> {
  const byId = new Map(results.map((result) => [result.id, result]));
  const outcome: PushOutcome = { touched: new Set(), settled: 0, transientCode: null };
  await db.transaction('rw', db.messages, db.outbox, db.conversations, async () => {
    for (const entry of entries) {
      const result = byId.get(entry.id);
      if (!result) {
        outcome.transientCode ??= 'internal';
        continue;
      }
      if (!result.ok && TRANSIENT_CODES.has(result.error.code)) {
        outcome.transientCode ??= result.error.code;
        continue;
      }
      const conversationId = conversationOf(entry);
      if (result.ok) {
        if (entry.kind === 'message.send') {
          const sent = SendResult.safeParse(result.result);
          if (!sent.success) {
            outcome.transientCode ??= 'internal';
            continue;
          }
          await markSent(db, entry.id, sent.data.seq, sent.data.serverTime);
        } else if (entry.kind === 'conversation.create') {
          const created = conversationIn(result.result);
          if (created) await db.conversations.put(created);
        }
      } else if (entry.kind === 'message.send') {
        await markFailed(db, entry.id, result.error.code);
      } else if (entry.kind === 'message.edit') {
        // Refused (past the window, withdrawn): the message shows its text again, and why.
        await db.messages.update((entry.args as { messageId: string }).messageId, { pendingBody: undefined, editError: result.error.code });
      }
      await db.outbox.delete(entry.key);
      outcome.settled += 1;
      if (conversationId && !SETTLED_UNSEEN.has(entry.kind)) outcome.touched.add(conversationId);
    }
  });
  return outcome;
}
