import { signal } from '@preact/signals';
import { Workbox } from 'workbox-window';
import { subscribe } from './sw-client.ts';

/** A new version of the app is installed and waiting: the tab offers "Mettre à jour". */
export const updateAvailable = signal(false);
/** The service worker could not be registered (unsupported browser, blocked, failed install). */
export const swUnavailable = signal(false);

let workbox: Workbox | null = null;

/**
 * Register the service worker with the prompt flow: a new version waits until the user accepts it,
 * so an update never swaps the code under a message being written.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) {
    swUnavailable.value = true;
    return;
  }
  // vite-plugin-pwa serves the module worker under another URL in development.
  const url = import.meta.env.DEV ? '/dev-sw.js?dev-sw' : '/sw.js';
  workbox = new Workbox(url, { type: 'module' });
  workbox.addEventListener('waiting', () => {
    updateAvailable.value = true;
  });
  subscribe('update', () => {
    updateAvailable.value = true;
  });
  workbox.register().catch((error: unknown) => {
    console.error('service worker registration failed', error);
    swUnavailable.value = true;
  });
}

/** Activate the waiting version, then reload once it controls the page. */
export function acceptUpdate(): void {
  const wb = workbox;
  if (!wb) {
    location.reload();
    return;
  }
  wb.addEventListener('controlling', () => location.reload());
  updateAvailable.value = false;
  wb.messageSkipWaiting();
}
