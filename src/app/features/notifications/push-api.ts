import { RelaisError } from '../../../shared/errors.ts';
import { PreferencesReply, PushKeyReply, type NotificationPreferences } from '../../../shared/push.ts';
import { api } from '../../core/http.ts';
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

/** Whether this browser can receive pushes, and whether this device is subscribed already. */
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
  const key = await api.read('GET', '/api/push/key', PushKeyReply);
  let subscription: PushSubscription;
  try {
    subscription = await manager.subscribe({ userVisibleOnly: true, applicationServerKey: key.publicKey });
  } catch (error) {
    const denied = error instanceof DOMException && error.name === 'NotAllowedError';
    throw new RelaisError(denied ? 'permission_denied' : 'push_unavailable', undefined, { cause: error });
  }
  await api.read('POST', '/api/push/subscription', null, { deviceId: deviceId(), subscription: subscription.toJSON() });
}

/** The user's preferences from the server; the service worker gets a copy (titles, previews). */
export async function fetchPreferences(): Promise<NotificationPreferences> {
  const { preferences } = await api.read('GET', '/api/preferences', PreferencesReply);
  void request('live.frame', { frame: { type: 'preferences', preferences } }).catch(() => undefined);
  return preferences;
}

/** Saves the preferences for every device of the user (the server tells the others live). */
export async function savePreferences(preferences: NotificationPreferences): Promise<NotificationPreferences> {
  await api.read('PUT', '/api/preferences', null, { preferences });
  void request('live.frame', { frame: { type: 'preferences', preferences } }).catch(() => undefined);
  return preferences;
}
