import type { UserSummary } from '../../shared/model.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { withStatuses } from '../store/availability.ts';
import { assignedStaff } from '../store/care-team.ts';
import { contactsOf, getUser, searchUsers } from '../store/users.ts';
import { can, directoryScope, listedIn, type Capability } from './policy.ts';

/**
 * The directory as this user may see it (policy.ts): staff find staff and patients, a patient their
 * care team only, an admin the staff; nobody finds an admin, nor themselves when they are a patient.
 */
export async function searchDirectory(redis: Redis, userId: string, query: string, max: number): Promise<UserSummary[]> {
  const viewer = await getUser(redis, userId);
  if (viewer === null) return [];
  const scope = directoryScope(viewer.role);
  const team = scope === 'careTeam' ? await careTeamOf(redis, userId) : null;
  const found = await searchUsers(redis, query, max, (entry) => listedIn(scope, entry.role) && (team === null || team.has(entry.id)));
  // Whoever the viewer may find, they may see the availability of.
  return withStatuses(redis, found);
}

/**
 * A patient's care team: the staff an admin assigned to them (store/care-team.ts) and everybody who
 * shares a conversation with them. Callers keep the staff among them (`listedIn`, `mayStartConversation`).
 */
export async function careTeamOf(redis: Redis, userId: string): Promise<Set<string>> {
  const [contacts, assigned] = await Promise.all([contactsOf(redis, userId), assignedStaff(redis, userId)]);
  return new Set([...contacts, ...assigned]);
}

/** True when the user's role has this capability (policy.ts); false for an unknown user. */
export async function userCan(redis: Redis, userId: string, capability: Capability): Promise<boolean> {
  return can((await getUser(redis, userId))?.role, capability);
}

/**
 * Whether this user may look a patient up by INS (`GET /api/patients/care-team`): those whose
 * directory lists patients (staff, `clinical`). A patient finds no other patient, an admin no patient.
 */
export async function mayLookUpPatients(redis: Redis, userId: string): Promise<boolean> {
  const viewer = await getUser(redis, userId);
  return viewer !== null && directoryScope(viewer.role) === 'clinical';
}
