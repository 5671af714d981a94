import { computed, effect, signal } from '@preact/signals';
import type { Presence } from '../../../shared/model.ts';
import { isId, parseEphemeralFrame } from '../../core/envelope.ts';
import { onFrame, realtimeStatus } from '../../core/realtime.ts';
import { request } from '../../core/sw-client.ts';
import { noteAvailability, parseAvailability } from './availability.ts';

/** Presence of the people the user sees (lists and headers): asked once, then kept by live frames. */
export const presence = signal<Record<string, Presence>>({});

const asked = new Set<string>();

/** Whether the others' presence is known: only while my own live connection is open. */
export const presenceKnown = computed(() => realtimeStatus.value === 'open');

/**
 * What the screens show: the presence heard so far, or nothing while my connection is down (the last
 * frame heard may be stale: "En ligne" would be a guess). Asked again at every reconnection.
 */
export const shownPresence = computed<Record<string, Presence>>(() => (presenceKnown.value ? presence.value : {}));

/** Notes a presence (from a `presence` frame or an answer). */
export function notePresence(entry: Presence): void {
  presence.value = { ...presence.peek(), [entry.userId]: entry };
}

/** Asks the server (through the SW) for these users' presence, once per user per page life. */
export function loadPresence(userIds: readonly string[]): void {
  const missing = userIds.filter((id) => !asked.has(id));
  if (missing.length === 0) return;
  for (const id of missing) asked.add(id);
  request('presence.get', { userIds: missing }).then(
    ({ presence: list }) => {
      for (const { status, ...entry } of list) {
        notePresence(entry);
        noteAvailability(entry.userId, status ?? null);
      }
    },
    () => {
      // Offline: ask again next time.
      for (const id of missing) asked.delete(id);
    },
  );
}

/**
 * Follows the WebSocket's `presence` frames (a contact came online, went away, left) and `status`
 * frames (a contact, or the user on another device, set or cleared their availability).
 */
export function startPresence(): void {
  // Back online after a cut: what was heard before it is stale, so everyone seen is asked again.
  let cut = false;
  effect(() => {
    const open = presenceKnown.value;
    if (!open) {
      cut = realtimeStatus.peek() === 'reconnecting' || cut;
      return;
    }
    if (!cut) return;
    cut = false;
    const seen = [...asked];
    asked.clear();
    loadPresence(seen);
  });
  onFrame('presence', (raw) => {
    const frame = parseEphemeralFrame(raw);
    if (frame?.type === 'presence') notePresence({ userId: frame.userId, state: frame.state, lastSeen: frame.lastSeen });
  });
  onFrame('status', (frame) => {
    const status = frame.status === null ? null : parseAvailability(frame.status);
    if (isId(frame.userId) && (frame.status === null || status !== null)) noteAvailability(frame.userId, status);
  });
}
