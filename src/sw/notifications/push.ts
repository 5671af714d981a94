import { PushPayload } from '../../shared/push.ts';
import type { Broadcast } from '../broadcast.ts';
import type { SwContext } from '../session/context.ts';
import { broadcastNotifications } from './announce.ts';
import { readPreferences } from './preferences.ts';
import { notificationCounts, recordPushNotification } from './queue.ts';
import { notificationText } from './text.ts';

/**
 * The service worker's `push` event, kept free of SW globals so Node tests drive it with fakes:
 *
 *   payload ─▶ valid, for the signed-in user? ─no─▶ nothing
 *      │ yes
 *      ▼
 *   queue row (stored) ─▶ pull (bounded wait) ─▶ a visible tab shows that conversation? ─yes─▶ no banner
 *                                                   │ no
 *                                                   ▼
 *                                    showNotification(title, tag per conversation, actions)
 */

/** The part of a window client the handlers use. */
export interface WindowClientLike {
  url: string;
  visibilityState?: string;
  focused?: boolean;
  focus?(): Promise<unknown>;
  postMessage?(message: unknown): void;
}

export interface ClientsLike {
  matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowClientLike[]>;
  openWindow?(url: string): Promise<unknown>;
}

export interface NotificationOptionsLike {
  body: string;
  tag: string;
  data: NotificationData;
  renotify: boolean;
  requireInteraction: boolean;
  icon: string;
  badge: string;
  actions: { action: string; title: string }[];
  timestamp: number;
}

export interface PushDeps {
  ctx: SwContext;
  showNotification(title: string, options: NotificationOptionsLike): Promise<void>;
  clients: ClientsLike;
  broadcast: Broadcast;
  now(): number;
  /** How long the pull may hold the banner back (the user must not wait on a slow network). */
  pullWaitMs?: number;
}

/** What a native notification carries to its click handler. */
export interface NotificationData {
  notificationId: string;
  link: string;
  conversationId: string;
  callId?: string;
  kind: PushPayload['kind'];
}

export type PushOutcome = 'shown' | 'suppressed' | 'ignored';

/** The paths the visible windows show (the user sees what arrives there). */
export async function visiblePaths(clients: ClientsLike): Promise<string[]> {
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true });
  // A window client's URL is absolute: new URL() cannot throw on it.
  return windows.filter((client) => client.visibilityState === 'visible').map((client) => new URL(client.url).pathname);
}

/** True when a visible window already shows `path` (any path: `null`). */
export async function visibleWindowAt(clients: ClientsLike, path: string | null): Promise<boolean> {
  const paths = await visiblePaths(clients);
  return path === null ? paths.length > 0 : paths.includes(path);
}

/** Handles one push (its payload text); resolves with what was done. */
export async function handlePush(deps: PushDeps, text: string | null | undefined): Promise<PushOutcome> {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    return 'ignored';
  }
  const parsed = PushPayload.safeParse(json);
  if (!parsed.success) return 'ignored';
  const payload = parsed.data;
  await deps.ctx.ready();
  const active = deps.ctx.active;
  // Another user signed in on this tablet since: nothing of the first user may show.
  if (!active || active.user.id !== payload.userId) return 'ignored';
  const row = await recordPushNotification(active.db, payload, deps.now());
  broadcastNotifications(deps.broadcast, await notificationCounts(active.db), {
    type: row.type,
    conversationId: row.conversationId,
    urgent: row.urgent,
  });
  const pulled = active.engine.sync('start').catch(() => undefined);
  await Promise.race([pulled, new Promise((resolve) => setTimeout(resolve, deps.pullWaitMs ?? 5_000))]);

  const isCall = payload.kind === 'call';
  // A call rings in any visible tab (the WebSocket brings it); a message only if its conversation shows.
  if (await visibleWindowAt(deps.clients, isCall ? null : `/c/${payload.conversationId}`)) return 'suppressed';
  const { lang, showPreview } = await readPreferences(active.db);
  // A locked screen means the user is away from the tablet: who wrote, never what.
  const preview = showPreview && deps.ctx.session().locked !== true;
  const actions = (isCall ? (['accept', 'decline'] as const) : (['open', 'reply'] as const)).map((action) => ({
    action,
    title: notificationText(lang, action),
  }));
  await deps.showNotification(row.title, {
    // A call to a function the user holds names it, locked or not: a function, never patient data.
    body: isCall && payload.functionName ? notificationText(lang, 'forFunction', payload.functionName) : preview && payload.body ? payload.body : '',
    // One banner per conversation: a new message replaces the previous one (renotify rings again).
    tag: isCall && payload.callId ? `call:${payload.callId}` : `conv:${payload.conversationId}`,
    data: {
      notificationId: row.id,
      link: row.link,
      conversationId: payload.conversationId,
      ...(payload.callId ? { callId: payload.callId } : {}),
      kind: payload.kind,
    },
    renotify: true,
    requireInteraction: payload.urgent,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    actions,
    timestamp: payload.sentAt,
  });
  return 'shown';
}
