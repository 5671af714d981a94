import type { SwEvent } from '../shared/sw-events.ts';

/** Sends an event to every tab (BroadcastChannel `relais` in the service worker; a list in tests). */
export type Broadcast = (event: SwEvent) => void;
