import { signal } from '@preact/signals';
import type { Availability } from '../../../shared/model.ts';

/**
 * Availability statuses of the people the user sees (and their own), by user id: filled from the
 * presence answers and directory entries, kept by the WebSocket's `status` frames (presence.ts).
 * null: known to have none. A status past its `until` counts as none (`currentStatus`).
 */
export const availability = signal<Record<string, Availability | null>>({});

/** At its end, a status leaves the screens by itself (unless another replaced it meanwhile). */
function expireLater(userId: string, status: Availability | null): void {
  if (status?.until === undefined) return;
  setTimeout(() => {
    if (availability.peek()[userId] === status) noteAvailability(userId, null);
  }, Math.max(0, status.until - Date.now()));
}

/** Notes a user's status (null: none). */
export function noteAvailability(userId: string, status: Availability | null): void {
  availability.value = { ...availability.peek(), [userId]: status };
  expireLater(userId, status);
}

/** Notes the statuses carried by directory entries (an entry without one has none). */
export function noteEntries(entries: readonly { id: string; status?: Availability }[]): void {
  const next = { ...availability.peek() };
  for (const entry of entries) next[entry.id] = entry.status ?? null;
  availability.value = next;
  for (const entry of entries) expireLater(entry.id, entry.status ?? null);
}

/** The user's status unless it ended; undefined when none is known. */
export function currentStatus(userId: string | undefined, now: number = Date.now()): Availability | undefined {
  const status = userId === undefined ? undefined : availability.value[userId];
  return status && (status.until === undefined || status.until > now) ? status : undefined;
}

const STATES = new Set(['available', 'busy', 'in_consultation', 'away', 'on_call']);

/**
 * An `Availability` as the gateway sends it, checked by hand (the shell bundles no zod; the shared
 * schema is the reference, tests/unit checks both agree), or null.
 */
export function parseAvailability(raw: unknown): Availability | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { state, message, until } = raw as Record<string, unknown>;
  if (!STATES.has(state as string)) return null;
  if (message !== undefined && typeof message !== 'string') return null;
  if (until !== undefined && (typeof until !== 'number' || !Number.isFinite(until))) return null;
  return { state: state as Availability['state'], ...(message ? { message } : {}), ...(until !== undefined ? { until } : {}) };
}

/** True while the status picker (StatusDialog) is open. */
export const statusDialogOpen = signal(false);
