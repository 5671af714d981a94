import { RelaisError, isErrorCode } from '../../../shared/errors.ts';
import { NotificationPreferences, PushKeyReply } from '../../../shared/push.ts';
import { request } from '../../core/sw-client.ts';

/**
 * The tab's side of Web Push and preferences (lazy chunk): the permission and the subscription
 * need a window (and keep the service worker small); saved preferences are handed to the service
 * worker as the same `preferences` frame other devices receive live.
 */

/** Whether this browser can receive pushes, and whether this device is subscribed. */
export interface PushStatus {
  supported: boolean;
  subscribed: boolean;
}

const DEVICE_KEY = 'relais.pushDevice';

async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new RelaisError('offline', undefined, { cause: error });
  }
  const text = await response.text().catch(() => '');
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const code = (parsed as { error?: { code?: unknown } } | undefined)?.error?.code;
    throw new RelaisError(isErrorCode(code) ? code : 'internal');
  }
  return parsed;
}

/** This browser's id for its subscription (one per browser profile, kept across sign-ins). */
function deviceId(): string {
  try {
    let id = localStorage.getItem(DEVICE_KEY);
    if (!id) localStorage.setItem(DEVICE_KEY, (id = crypto.randomUUID()));
    return id;
  } catch {
    return 'browser';
  }
}

async function pushManager(): Promise<PushManager | null> {
  if (!('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager ?? null;
}

export async function pushStatus(): Promise<PushStatus> {
  const manager = await pushManager();
  if (!manager) return { supported: false, subscribed: false };
  return { supported: true, subscribed: (await manager.getSubscription().catch(() => null)) !== null };
}

/**
 * Subscribes this device (the permission must be granted). Rejects with `push_unavailable` when the
 * browser has no push service (headless, some private modes), `permission_denied` when refused.
 */
export async function subscribePush(): Promise<void> {
  const manager = await pushManager();
  if (!manager) throw new RelaisError('push_unavailable');
  const key = PushKeyReply.safeParse(await api('GET', '/api/push/key'));
  if (!key.success) throw new RelaisError('internal');
  let subscription: PushSubscription;
  try {
    subscription = await manager.subscribe({ userVisibleOnly: true, applicationServerKey: key.data.publicKey });
  } catch (error) {
    const denied = error instanceof DOMException && error.name === 'NotAllowedError';
    throw new RelaisError(denied ? 'permission_denied' : 'push_unavailable', undefined, { cause: error });
  }
  await api('POST', '/api/push/subscription', { deviceId: deviceId(), subscription: subscription.toJSON() });
}

/** The user's preferences from the server; the service worker gets a copy (titles, previews). */
export async function fetchPreferences(): Promise<NotificationPreferences> {
  const parsed = NotificationPreferences.safeParse((await api('GET', '/api/preferences') as { preferences?: unknown } | undefined)?.preferences);
  if (!parsed.success) throw new RelaisError('internal');
  void request('live.frame', { frame: { type: 'preferences', preferences: parsed.data } }).catch(() => undefined);
  return parsed.data;
}

/** Saves the preferences for every device of the user (the server tells the others live). */
export async function savePreferences(preferences: NotificationPreferences): Promise<NotificationPreferences> {
  await api('PUT', '/api/preferences', { preferences });
  void request('live.frame', { frame: { type: 'preferences', preferences } }).catch(() => undefined);
  return preferences;
}
