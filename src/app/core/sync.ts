import { signal } from '@preact/signals';
import type { SyncState } from '../../shared/local-model.ts';
import { onTopic, request } from './sw-client.ts';

/** The SW's sync state (pending outbox count, last error). */
export const syncState = signal<SyncState | null>(null);
/** What the browser says about the network; the banner trusts it before the SW answers. */
export const online = signal(typeof navigator === 'undefined' ? true : navigator.onLine);

/** Ask the SW to sync now; a failure is reported by the `sync` topic, so it is not thrown here. */
export function syncNow(reason: 'online' | 'visible' | 'start' | 'reconnect' | 'manual'): void {
  request('sync.now', { reason }).then(
    (state) => {
      syncState.value = state;
    },
    () => undefined,
  );
}

/** Follow the network and the SW's `sync` topic; sync on start, on `online` and when the tab shows. */
export function startSync(): void {
  onTopic('sync', (data) => {
    syncState.value = data;
  });
  window.addEventListener('online', () => {
    online.value = true;
    syncNow('online');
  });
  window.addEventListener('offline', () => {
    online.value = false;
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') syncNow('visible');
  });
  syncNow('start');
}
