import type { UserSummary } from '../../shared/model.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { withStatuses } from '../store/availability.ts';
import { assignedStaff } from '../store/care-team.ts';
import { linkedAccount } from '../store/sso-links.ts';
import { contactsOf, getSummaries, getUser, searchUsers } from '../store/users.ts';
import { can, directoryScope, listedIn, type Capability } from './policy.ts';

const RPPS = /^\d{11}$/;

/**
 * The directory as this user may see it (policy.ts): staff find staff and patients, a patient their
 * care team only, an admin the staff; nobody finds an admin, nor themselves when they are a patient.
 */
export async function searchDirectory(redis: Redis, userId: string, query: string, max: number): Promise<UserSummary[]> {
  const viewer = await getUser(redis, userId);
  if (viewer === null) return [];
  const scope = directoryScope(viewer.role);
  const team = scope === 'careTeam' ? await careTeamOf(redis, userId) : null;
  const visible = (entry: { id: string; role: UserSummary['role'] }): boolean => listedIn(scope, entry.role) && (team === null || team.has(entry.id));
  // An RPPS number (11 digits: what a clinic page knows of a colleague, `relais:open-colleague`):
  // the account single sign-on linked to it, as Pro Santé Connect names it ("8" + RPPS) or bare.
  if (RPPS.test(query)) {
    const linked = (await linkedAccount(redis, `8${query}`)) ?? (await linkedAccount(redis, query));
    const [summary] = linked === null ? [] : await getSummaries(redis, [linked]);
    return summary && visible(summary) ? withStatuses(redis, [summary]) : [];
  }
  const found = await searchUsers(redis, query, max, visible);
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
