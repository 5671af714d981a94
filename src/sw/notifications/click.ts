import type { ClientsLike, NotificationData, WindowClientLike } from './push.ts';

/**
 * The service worker's `notificationclick` event, free of SW globals (Node tests pass fakes):
 * marks the notification read, then brings a window to the notification's conversation (or call) —
 * an open window is focused and told to route there in-app (no reload: a call in progress in that
 * tab survives); with no window, one is opened on the URL.
 */

/** Message a tab receives to route in-app (src/app listens for it). */
export const NAVIGATE_MESSAGE = 'relais.navigate';

export interface ClickDeps {
  clients: ClientsLike;
  /** Origin of the app (`self.location.origin`). */
  origin: string;
  markRead(notificationId: string): Promise<void>;
  /** "Refuser" on a call: declines it on the server (no window, hence no WebSocket, is needed). */
  declineCall?(callId: string): Promise<void>;
}

function isData(value: unknown): value is NotificationData {
  const data = value as Partial<NotificationData> | null;
  return typeof data?.notificationId === 'string' && typeof data.link === 'string' && data.link.startsWith('/c/');
}

/** The path a click on `action` leads to (null: nothing to open, e.g. "Refuser"). */
export function clickTarget(data: NotificationData, action: string): string | null {
  if (action === 'decline') return null;
  const separator = data.link.includes('?') ? '&' : '?';
  if (action === 'reply') return `${data.link}${separator}reply=1`;
  if (action === 'accept') return `${data.link}${separator}answer=1`;
  return data.link;
}

function pickWindow(windows: readonly WindowClientLike[], origin: string): WindowClientLike | undefined {
  const ours = windows.filter((client) => client.url.startsWith(origin));
  return ours.find((c) => c.focused) ?? ours.find((c) => c.visibilityState === 'visible') ?? ours[0];
}

/** Handles a click on a notification (or one of its actions); resolves with the URL opened or focused. */
export async function handleNotificationClick(
  deps: ClickDeps,
  click: { action: string; data: unknown; close(): void },
): Promise<string | null> {
  click.close();
  if (!isData(click.data)) return null;
  await deps.markRead(click.data.notificationId).catch(() => undefined);
  const path = clickTarget(click.data, click.action);
  if (click.action === 'decline' && click.data.callId) await deps.declineCall?.(click.data.callId).catch(() => undefined);
  if (path === null) return null;
  const url = new URL(path, deps.origin).href;
  const windows = await deps.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const target = pickWindow(windows, deps.origin);
  if (target?.focus && target.postMessage) {
    await target.focus().catch(() => undefined);
    target.postMessage({ type: NAVIGATE_MESSAGE, path });
    return url;
  }
  await deps.clients.openWindow?.(url);
  return url;
}
