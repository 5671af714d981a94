import { computed, effect, signal } from '@preact/signals';
import type { PatientRef } from '../../../shared/model.ts';
import type { ConversationFilter, ConversationSummary } from '../../../shared/local-model.ts';
import { request, subscribe } from '../../core/sw-client.ts';
import { createReloader } from '../../core/reloader.ts';
import { openUserId } from '../../core/session.ts';

/** The signed-in user's conversations, most recent activity first. */
export const conversations = signal<ConversationSummary[]>([]);
/** False until the first list arrived (the list shows "Chargement…" meanwhile). */
export const conversationsLoaded = signal(false);

/** What the list shows: inbox, unread, urgent or archived; maybe one patient's conversations. */
export const listFilter = signal<ConversationFilter>('inbox');
export const listPatient = signal<string | null>(null);
/** Conversations shown so far (the infinite list asks for more as it scrolls). */
export const LIST_PAGE = 30;
export const listLimit = signal(LIST_PAGE);
/** More conversations match than are shown. */
export const listHasMore = signal(false);
/** Patients the user's conversations are about (the patient filter's choices). */
export const patients = signal<PatientRef[]>([]);
/** Unread messages over every conversation, whatever the filter (the SW counts them). */
const unreadAll = signal<number | null>(null);

/** Total unread messages across conversations (the MessagingButton badge). */
export const totalUnread = computed(
  () => unreadAll.value ?? conversations.value.reduce((sum, summary) => sum + summary.unread, 0),
);

/** Sort summaries by last activity, newest first (ties: by id, so the order is stable). */
export function sortByActivity(list: readonly ConversationSummary[]): ConversationSummary[] {
  return [...list].sort(
    (a, b) => b.lastActivity - a.lastActivity || a.conversation.id.localeCompare(b.conversation.id),
  );
}

const reload = createReloader(async () => {
  const patient = listPatient.peek();
  const reply = await request('conversations.list', {
    filter: listFilter.peek(),
    limit: listLimit.peek(),
    ...(patient ? { patient } : {}),
  });
  // The SW already orders them: urgent first, then by last activity.
  conversations.value = reply.conversations;
  listHasMore.value = reply.hasMore ?? false;
  patients.value = reply.patients ?? [];
  unreadAll.value = reply.totalUnread ?? null;
  conversationsLoaded.value = true;
});

/** Shows the next page of conversations (infinite scroll). */
export function showMoreConversations(): void {
  if (listHasMore.peek()) listLimit.value = listLimit.peek() + LIST_PAGE;
}

/** Keep the list in step with the SW while someone is signed in. */
export function startConversations(): void {
  subscribe('conversations', () => {
    if (openUserId.peek()) void reload();
  });
  effect(() => {
    const userId = openUserId.value;
    conversations.value = [];
    conversationsLoaded.value = false;
    if (userId) void reload();
  });
  // A new filter starts again from the first page.
  let shown = '';
  effect(() => {
    const key = `${listFilter.value}|${listPatient.value ?? ''}`;
    if (key !== shown) {
      shown = key;
      listLimit.value = LIST_PAGE;
    }
    // Subscribes to the page size too: scrolling to the end asks for more.
    if (listLimit.value > 0 && openUserId.peek()) void reload();
  });
}
