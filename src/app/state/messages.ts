import { effect, signal } from '@preact/signals';
import type { ConversationSummary, LocalMessage } from '../../shared/sw-protocol.ts';
import { messagesTopic } from '../../shared/sw-topics.ts';
import { request, subscribe } from '../sw-client.ts';
import { orderMessages } from './message-order.ts';
import { createReloader } from './reloader.ts';
import { route } from './route.ts';
import { currentUserId } from './session.ts';

/** Messages of the open conversation, in display order. */
export const messages = signal<LocalMessage[]>([]);
/** Highest seq the signed-in user has read in the open conversation. */
export const readSeq = signal(0);
/** Per other participant, the highest seq they read. */
export const readBy = signal<Record<string, number>>({});
/** Which conversation `messages` belongs to (null while loading or on the list). */
export const messagesFor = signal<string | null>(null);
/** The open conversation's summary from the SW (the list may be filtered and not hold it). */
export const openSummary = signal<ConversationSummary | null>(null);
/** Error code when the open conversation could not be loaded. */
export const messagesError = signal<string | null>(null);

/** Load the open conversation's messages now and again on every `messages:<id>` event. */
export function startMessages(): void {
  effect(() => {
    const current = route.value;
    const userId = currentUserId.value;
    messages.value = [];
    readSeq.value = 0;
    readBy.value = {};
    messagesFor.value = null;
    messagesError.value = null;
    openSummary.value = null;
    if (!userId || current.name !== 'conversation') return;
    const { conversationId } = current;
    let active = true;
    const reload = createReloader(async () => {
      try {
        const result = await request('messages.list', { conversationId });
        // The user may have opened another conversation while this one loaded.
        if (!active) return;
        messages.value = orderMessages(result.messages);
        readSeq.value = result.readSeq;
        readBy.value = result.readBy;
        openSummary.value = result.summary ?? null;
        messagesFor.value = conversationId;
        messagesError.value = null;
      } catch (error) {
        if (active) messagesError.value = error instanceof Error && 'code' in error ? String(error.code) : 'internal';
        throw error;
      }
    });
    const unsubscribe = subscribe(messagesTopic(conversationId), () => void reload());
    void reload();
    return () => {
      active = false;
      unsubscribe();
    };
  });
}
