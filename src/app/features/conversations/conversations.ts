import { computed, effect, signal } from '@preact/signals';
import type { PatientRef, SystemEvent } from '../../../shared/model.ts';
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

type ListReply = Awaited<ReturnType<typeof request<'conversations.list'>>>;

function show(reply: ListReply): void {
  // The SW already orders them: urgent first, then by last activity.
  conversations.value = reply.conversations;
  listHasMore.value = reply.hasMore ?? false;
  patients.value = reply.patients ?? [];
  unreadAll.value = reply.totalUnread ?? null;
  conversationsLoaded.value = true;
}

/** Lists asked so far by `reload` (the first page asked at start gives way to any of them). */
let reloads = 0;

const reload = createReloader(async () => {
  reloads += 1;
  const patient = listPatient.peek();
  show(
    await request('conversations.list', {
      filter: listFilter.peek(),
      limit: listLimit.peek(),
      ...(patient ? { patient } : {}),
    }),
  );
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
  // At start, the first page is asked beside the session rather than after it: one round trip to the
  // service worker less, and the list renders with the rest of the screen. The worker answers it
  // only for a signed-in, unlocked user (`locked` otherwise, router.ts); the page shows it only once
  // the session says the same user is open, else asks again.
  let early: Promise<ListReply | null> | null = request('conversations.list', { filter: 'inbox', limit: LIST_PAGE }).catch(() => null);
  effect(() => {
    const userId = openUserId.value;
    conversations.value = [];
    conversationsLoaded.value = false;
    if (!userId) return;
    const first = early;
    early = null;
    if (!first) {
      void reload();
      return;
    }
    const asked = reloads;
    void first.then((reply) => {
      if (reloads !== asked) return; // a fresher list was asked meanwhile
      const unchanged = openUserId.peek() === userId && listFilter.peek() === 'inbox' && listPatient.peek() === null && listLimit.peek() === LIST_PAGE;
      if (reply && unchanged) show(reply);
      else void reload();
    });
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

/** The list's preview of a conversation whose last line is a system line, by its type. */
const SYSTEM_PREVIEWS = {
  'call.missed': 'list.missedCall',
  'call.ended': 'list.call',
  'urgent.ack': 'list.acknowledged',
  'urgent.escalated': 'list.escalated',
  'function.handover': 'list.handedOver',
  'message.edited': 'list.edited',
  'message.redacted': 'list.redacted',
} as const satisfies Partial<Record<SystemEvent['type'], string>>;

/**
 * What the conversation list says of a last line that is a system line: what happened ("Appel
 * manqué", "Message modifié"…); null for a group's changes (their line in the conversation says it)
 * and for a type a newer server wrote (nothing rather than a wrong word).
 */
export function systemPreview(type: string | undefined): (typeof SYSTEM_PREVIEWS)[keyof typeof SYSTEM_PREVIEWS] | null {
  return type !== undefined && Object.hasOwn(SYSTEM_PREVIEWS, type) ? SYSTEM_PREVIEWS[type as keyof typeof SYSTEM_PREVIEWS] : null;
}
