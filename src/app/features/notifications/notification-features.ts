import { noteIntent } from '../../core/intent.ts';
import { effect, signal } from '@preact/signals';
import { DEFAULT_PREFERENCES, shouldAlert, type NotificationPreferences } from '../../../shared/push.ts';
import type { NotificationCounts } from '../../../shared/local-model.ts';
import type { SwEvent } from '../../../shared/sw-events.ts';
import { totalUnread } from '../conversations/conversations.ts';
import { missedCalls, unreadNotifications } from './notifications.ts';
import { navigate, route } from '../../core/route.ts';
import { openUserId } from '../../core/session.ts';
import { request, subscribe } from '../../core/sw-client.ts';
import { fetchPreferences, pushStatus, subscribePush } from './push-api.ts';
import { playSound, type SoundKind } from './sounds.ts';

/**
 * Notifications in the tab (lazy chunk, started at sign-in): keeps the counts, plays sounds in a
 * visible tab, sets the app badge, follows the service worker's "go to this conversation" after a
 * notification click, and keeps the preferences in step with the user's other devices.
 */

/** The user's notification preferences (the same on all their devices). */
export const preferences = signal<NotificationPreferences>(DEFAULT_PREFERENCES);

/** What just arrived, as the SW reports it. */
export interface Arrival {
  type: 'message' | 'call' | 'missed_call' | 'system';
  conversationId: string | null;
  urgent: boolean;
}

/**
 * The sound for an arrival, or null: sound on, and urgent — or not muted, outside quiet hours and
 * not in the conversation already on screen. Calls ring through the call screen, not here.
 */
export function soundFor(arrival: Arrival, prefs: NotificationPreferences, openConversationId: string | null, now: number): SoundKind | null {
  if (!prefs.sound || arrival.type === 'call') return null;
  if (arrival.urgent) return 'urgent';
  if (arrival.conversationId === null || arrival.conversationId === openConversationId) return null;
  return shouldAlert(prefs, { conversationId: arrival.conversationId, urgent: false }, now) ? 'message' : null;
}

function applyCounts(counts: NotificationCounts): void {
  unreadNotifications.value = counts.unread;
  missedCalls.value = counts.missedCalls;
}

async function refreshCounts(): Promise<void> {
  try {
    applyCounts((await request('notifications.list', { unreadOnly: true, limit: 1 })).counts);
  } catch {
    // the next event refreshes them
  }
}

/** Asks for a push subscription when this browser already allows notifications (a new user on a shared tablet). */
async function resubscribe(): Promise<void> {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const status = await pushStatus();
    if (status.supported && !status.subscribed) await subscribePush();
  } catch {
    // push unavailable here: the tab still alerts while open
  }
}

function loadPreferences(): void {
  fetchPreferences().then(
    (prefs) => (preferences.value = prefs),
    () => undefined,
  );
}

let started = false;

/** Starts the notification features (once). */
export function startNotificationFeatures(): void {
  if (started) return;
  started = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refreshSoon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void refreshCounts(), 250);
  };
  subscribe('notifications', (event: SwEvent) => {
    const data = event.data as { counts: NotificationCounts; latest?: Arrival };
    applyCounts(data.counts);
    if (!data.latest) return;
    const current = route.peek();
    const kind = soundFor(data.latest, preferences.peek(), current.name === 'conversation' ? current.conversationId : null, Date.now());
    if (kind) playSound(kind);
  });
  // New messages queue notifications inside the SW's sync: the conversation list event says so.
  subscribe('conversations', refreshSoon);
  subscribe('preferences', loadPreferences);
  effect(() => {
    if (openUserId.value === null) return;
    void refreshCounts();
    void resubscribe();
    loadPreferences();
  });
  // The installed app's icon shows unread messages + missed calls (Chromium, Safari; elsewhere nothing).
  effect(() => {
    const count = totalUnread.value + missedCalls.value;
    const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
    if (count > 0) void nav.setAppBadge?.(count).catch(() => undefined);
    else void nav.clearAppBadge?.().catch(() => undefined);
  });
  // A notification click routes this tab in-app (no reload: a call in progress here survives).
  navigator.serviceWorker?.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data as { type?: unknown; path?: unknown } | null;
    if (data?.type === 'relais.navigate' && typeof data.path === 'string' && data.path.startsWith('/c/')) {
      noteIntent(data.path);
      navigate(data.path.split('?')[0] ?? '/');
    }
  });
}
