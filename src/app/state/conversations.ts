import { computed, effect, signal } from '@preact/signals';
import type { ConversationSummary } from '../../shared/sw-protocol.ts';
import { request, subscribe } from '../sw-client.ts';
import { createReloader } from './reloader.ts';
import { currentUserId } from './session.ts';

/** The signed-in user's conversations, most recent activity first. */
export const conversations = signal<ConversationSummary[]>([]);
/** False until the first list arrived (the list shows "Chargement…" meanwhile). */
export const conversationsLoaded = signal(false);

/** Total unread messages across conversations (the MessagingButton badge). */
export const totalUnread = computed(() => conversations.value.reduce((sum, summary) => sum + summary.unread, 0));

/** Sort summaries by last activity, newest first (ties: by id, so the order is stable). */
export function sortByActivity(list: readonly ConversationSummary[]): ConversationSummary[] {
  return [...list].sort(
    (a, b) => b.lastActivity - a.lastActivity || a.conversation.id.localeCompare(b.conversation.id),
  );
}

const reload = createReloader(async () => {
  const { conversations: list } = await request('conversations.list');
  conversations.value = sortByActivity(list);
  conversationsLoaded.value = true;
});

/** Keep the list in step with the SW while someone is signed in. */
export function startConversations(): void {
  subscribe('conversations', () => {
    if (currentUserId.peek()) void reload();
  });
  effect(() => {
    const userId = currentUserId.value;
    conversations.value = [];
    conversationsLoaded.value = false;
    if (userId) void reload();
  });
}

/** The summary of one conversation, if the list has it. */
export function findConversation(conversationId: string | null): ConversationSummary | undefined {
  if (!conversationId) return undefined;
  return conversations.value.find((summary) => summary.conversation.id === conversationId);
}
