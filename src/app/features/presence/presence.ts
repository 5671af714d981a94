import { signal } from '@preact/signals';
import type { Presence } from '../../../shared/model.ts';
import { isId, parseEphemeralFrame } from '../../core/envelope.ts';
import { onFrame } from '../../core/realtime.ts';
import { request } from '../../core/sw-client.ts';
import { noteAvailability, parseAvailability } from './availability.ts';

/** Presence of the people the user sees (lists and headers): asked once, then kept by live frames. */
export const presence = signal<Record<string, Presence>>({});

const asked = new Set<string>();

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
  onFrame('presence', (raw) => {
    const frame = parseEphemeralFrame(raw);
    if (frame?.type === 'presence') notePresence({ userId: frame.userId, state: frame.state, lastSeen: frame.lastSeen });
  });
  onFrame('status', (frame) => {
    const status = frame.status === null ? null : parseAvailability(frame.status);
    if (isId(frame.userId) && (frame.status === null || status !== null)) noteAvailability(frame.userId, status);
  });
}
