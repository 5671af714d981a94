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
 * conversation and carry the message id). The line's own row keeps no text once applied
 * (apply-changes.ts). Lines may come before their message (live frames out of order, an older
 * page fetched later): an edit older than the last applied one joins the versions in time order, and
 * a line whose message is not here yet answers false (its message applies it when it comes).
 * Call inside a transaction over the apply tables.
 */
export async function amendMessage(db: RelaisDb, line: Pick<LocalMessage, 'conversationId' | 'senderId' | 'body' | 'time' | 'system'>): Promise<boolean> {
  const { system } = line;
  if (system?.type !== 'message.edited' && system?.type !== 'message.redacted') return true;
  const target = await db.messages.get(system.messageId);
  if (!target) return false;
  // The server writes no one else's line about a message; a withdrawn one stays so.
  if (target.senderId !== line.senderId || target.conversationId !== line.conversationId || target.redacted) return true;
  const redact = system.type === 'message.redacted';
  const { messageId } = target;
  if (!redact && (target.editedAt ?? 0) >= line.time) {
    // An earlier edit seen after a later one: it was a version in between.
    const versions = [...(target.versions ?? []), { body: line.body, time: line.time }].sort((a, b) => a.time - b.time);
    await db.messages.put({ ...target, versions });
    return true;
  }
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
  return true;
}
