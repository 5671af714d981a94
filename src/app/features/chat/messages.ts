import { batch, effect, signal } from '@preact/signals';
import { RelaisError } from '../../../shared/errors.ts';
import type { ConversationSummary, LocalMessage } from '../../../shared/local-model.ts';
import { messagesTopic } from '../../../shared/sw-events.ts';
import { request, subscribe } from '../../core/sw-client.ts';
import { lowestSeq, mergeNewest, prependOlder, type MessagePageReply } from './message-pages.ts';
import { orderMessages } from './message-order.ts';
import { createReloader } from '../../core/reloader.ts';
import { route } from '../../core/route.ts';
import { openUserId } from '../../core/session.ts';
import type { SwResults } from '../../../shared/sw-requests.ts';

type NewestPage = SwResults['messages.list'];

/** Messages of the open conversation loaded so far (the newest page, then older ones), in display order. */
export const messages = signal<LocalMessage[]>([]);
/** Sent messages stored on this device before the first loaded one (older pages not loaded yet). */
export const olderLocal = signal(0);
/** Highest seq the signed-in user has read in the open conversation. */
export const readSeq = signal(0);
/** Per other participant, the highest seq they read. */
export const readBy = signal<Record<string, number>>({});
/** Which conversation `messages` belongs to (null while loading or on the list). */
export const messagesFor = signal<string | null>(null);
/** The open conversation's summary from the SW (the list may be filtered and not hold it). */
export const openSummary = signal<ConversationSummary | null>(null);
/**
 * Stored copies of messages the loaded ones quote, outside the loaded pages (`messages.list` finds
 * them), by id: what a quote shows (quote.ts).
 */
export const quoted = signal<ReadonlyMap<string, LocalMessage>>(new Map());
/** Error code when the open conversation could not be loaded. */
export const messagesError = signal<string | null>(null);

/** The quoted copies known so far with those of a new page (newer copies win). */
function withCopies(known: ReadonlyMap<string, LocalMessage>, copies: readonly LocalMessage[]): ReadonlyMap<string, LocalMessage> {
  return copies.length === 0 ? known : new Map([...known, ...copies.map((copy) => [copy.messageId, copy] as const)]);
}

/** The open conversation's loader of older local pages (null while none is open). */
let olderPages: (() => Promise<void>) | null = null;

/** Load the next older page stored on this device into `messages` (once at a time). */
export function loadOlderLocal(): Promise<void> {
  return olderPages?.() ?? Promise.resolve();
}

/**
 * Load the open conversation's newest page now, and again on every `messages:<id>` event (merged
 * into what is loaded, older pages kept); older pages on demand (`loadOlderLocal`).
 */
export function startMessages(): void {
  effect(() => {
    const current = route.value;
    const userId = openUserId.value;
    messages.value = [];
    olderLocal.value = 0;
    readSeq.value = 0;
    readBy.value = {};
    messagesFor.value = null;
    messagesError.value = null;
    openSummary.value = null;
    quoted.value = new Map();
    olderPages = null;
    if (!userId || current.name !== 'conversation') return;
    const { conversationId } = current;
    let active = true;
    // The newest page last shown and the messages it gave: the same page again (a change event that
    // changed nothing here, such as the record of this very opening) renders nothing again — on a
    // slow tablet every row of the pane was rendered again just after its first paint. Compared as
    // text, from the second answer on (the first is shown at once).
    let shown: { result: NewestPage; text: string | null; messages: LocalMessage[] } | null = null;
    const unchanged = (result: NewestPage): boolean => {
      if (!shown || messages.value !== shown.messages) return false;
      shown.text ??= JSON.stringify(shown.result);
      return JSON.stringify(result) === shown.text;
    };
    const reload = createReloader(async () => {
      try {
        const result = await request('messages.list', { conversationId });
        // The user may have opened another conversation while this one loaded.
        if (!active) return;
        if (unchanged(result)) {
          messagesError.value = null;
          return;
        }
        const merged = mergeNewest(messages.value, { messages: orderMessages(result.messages), olderLocal: result.olderLocal });
        // An edit or a withdrawal in the new page may change a message of an older loaded one: the
        // SW answers its copy with the quoted ones.
        const copies = new Map(result.quoted.map((copy) => [copy.messageId, copy]));
        batch(() => {
          messages.value = merged.messages.map((message) => copies.get(message.messageId) ?? message);
          olderLocal.value = merged.olderLocal;
          readSeq.value = result.readSeq;
          readBy.value = result.readBy;
          openSummary.value = result.summary ?? null;
          quoted.value = withCopies(quoted.value, result.quoted);
          messagesFor.value = conversationId;
          messagesError.value = null;
        });
        shown = { result, text: null, messages: messages.value };
      } catch (error) {
        if (active) messagesError.value = error instanceof RelaisError ? error.code : 'internal';
        throw error;
      }
    });
    let paging: Promise<void> | null = null;
    const fetchOlder = async (): Promise<(MessagePageReply & { quoted: LocalMessage[] }) | null> => {
      const beforeSeq = lowestSeq(messages.value);
      if (messagesFor.value !== conversationId || beforeSeq === null || beforeSeq <= 1) return null;
      const result = await request('messages.list', { conversationId, beforeSeq });
      return active ? result : null;
    };
    olderPages = () => {
      // Free for the next page before this one shows: showing it may ask for the next one at once.
      paging ??= fetchOlder()
        .finally(() => {
          paging = null;
        })
        .then((older) => {
          if (!older) return;
          batch(() => {
            messages.value = prependOlder(messages.value, older.messages);
            olderLocal.value = older.olderLocal;
            quoted.value = withCopies(quoted.value, older.quoted);
          });
        });
      return paging;
    };
    const unsubscribe = subscribe(messagesTopic(conversationId), () => void reload());
    void reload();
    return () => {
      active = false;
      olderPages = null;
      unsubscribe();
    };
  });
}
