import type { LocalMessage } from '../../shared/local-model.ts';
import type { RelaisDb } from './db.ts';
import { indexMessages, unindexMessage } from './search-index.ts';

/**
 * Edits and redactions on this device. A `message.edited` or `message.redacted` line (its author's,
 * pulled or live, or my own given here) changes the message it names, if this device holds it:
 *
 *   edit     body ← the line's; the text it had goes to `versions` (with the time it was written or
 *            last edited); `editedAt` ← the line's time; a later line than the last applied only
 *   redact   body, files, quote, versions, edit time and pending text gone; `redacted` (it then never changes)
 *
 * Either way its search entries go (an edit indexes the new text), its queued notification's text
 * follows, and a banner still showing its old text is closed (the SW's banners are tagged per
 * conversation and carry the message id). The line's own row keeps no text (apply-changes.ts).
 * Call inside a transaction over the apply tables.
 */
export async function amendMessage(db: RelaisDb, line: Pick<LocalMessage, 'conversationId' | 'senderId' | 'body' | 'time' | 'system'>): Promise<void> {
  const { system } = line;
  if (system?.type !== 'message.edited' && system?.type !== 'message.redacted') return;
  const target = await db.messages.get(system.messageId);
  // The server writes no one else's line about a message; a withdrawn one stays so.
  if (!target || target.senderId !== line.senderId || target.conversationId !== line.conversationId || target.redacted) return;
  const redact = system.type === 'message.redacted';
  if (!redact && (target.editedAt ?? 0) >= line.time) return;
  const { messageId } = target;
  await unindexMessage(db.searchChunks, target);
  const { attachments: _files, replyTo: _quote, versions: _versions, pendingBody: _pending, editedAt: _edited, ...plain } = target;
  const next: LocalMessage = redact
    ? { ...plain, body: '', redacted: true }
    : { ...target, body: line.body, editedAt: line.time, versions: [...(target.versions ?? []), { body: target.body, time: target.editedAt ?? target.time }] };
  delete next.pendingBody;
  await db.messages.put(next);
  if (redact) await db.files.where('messageId').equals(messageId).delete();
  else await indexMessages(db.searchChunks, [next]);
  await db.notifications.update(messageId, { body: line.body.slice(0, 200) });
  // Not awaited: a promise other than Dexie's would end the caller's transaction.
  void (globalThis as { registration?: ServiceWorkerRegistration }).registration?.getNotifications({ tag: `conv:${line.conversationId}` }).then((shown) => {
    for (const banner of shown) {
      if ((banner.data as { notificationId?: string } | null)?.notificationId === messageId && (redact || banner.body !== '')) banner.close();
    }
  }, () => undefined);
}
