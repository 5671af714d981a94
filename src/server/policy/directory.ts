import type { UserSummary } from '../../shared/model.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
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
  const team = scope === 'careTeam' ? new Set(await contactsOf(redis, userId)) : null;
  return searchUsers(redis, query, max, (entry) => listedIn(scope, entry.role) && (team === null || team.has(entry.id)));
}

/** The staff who share a conversation with this user: a patient's care team. */
export async function careTeamOf(redis: Redis, userId: string): Promise<Set<string>> {
  return new Set(await contactsOf(redis, userId));
}

/** True when the user's role has this capability (policy.ts); false for an unknown user. */
export async function userCan(redis: Redis, userId: string, capability: Capability): Promise<boolean> {
  return can((await getUser(redis, userId))?.role, capability);
}
