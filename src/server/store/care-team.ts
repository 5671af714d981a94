import { crossSlotPipeline, type RedisClient as Redis } from '../redis/redis-connection.ts';
import { execOrThrow } from './feed.ts';
import { KEYS } from './keys.ts';
import { contactsOf } from './users.ts';

/**
 * Care-team assignments: the staff an admin assigned to a patient, `{u:<patient>}:careteam`, and the
 * reverse, `{u:<staff>}:carepatients` (whom a staff member's status and presence reach). A patient's
 * care team is this set together with the staff who share a conversation with them
 * (policy/directory.ts `careTeamOf`).
 */

/** The staff assigned to this patient. */
export function assignedStaff(redis: Redis, patientId: string): Promise<string[]> {
  return redis.smembers(KEYS.userCareTeam(patientId));
}

/** The patients this staff member is assigned to. */
export function assignedPatients(redis: Redis, staffId: string): Promise<string[]> {
  return redis.smembers(KEYS.userCarePatients(staffId));
}

/**
 * Replaces the staff assigned to a patient (both directions), and answers who was added and removed.
 * Two slots per change (the patient's and each staff member's): a pipeline, not a transaction; a
 * stop in the middle leaves a reverse entry that the next assignment of that patient corrects.
 */
export async function assignStaff(redis: Redis, patientId: string, staffIds: readonly string[]): Promise<{ added: string[]; removed: string[] }> {
  const before = new Set(await assignedStaff(redis, patientId));
  const after = new Set(staffIds);
  const added = [...after].filter((id) => !before.has(id));
  const removed = [...before].filter((id) => !after.has(id));
  const write = crossSlotPipeline(redis);
  write.del(KEYS.userCareTeam(patientId));
  if (after.size > 0) write.sadd(KEYS.userCareTeam(patientId), ...after);
  for (const id of added) write.sadd(KEYS.userCarePatients(id), patientId);
  for (const id of removed) write.srem(KEYS.userCarePatients(id), patientId);
  await execOrThrow(write.exec());
  return { added, removed };
}

/**
 * Whom this user's availability and presence concern, and whose they see: everybody who shares a
 * conversation with them, plus their care-team assignments either way (a patient and the staff
 * assigned to them see each other before any conversation exists).
 */
export async function circleOf(redis: Redis, userId: string): Promise<Set<string>> {
  const [contacts, staff, patients] = await Promise.all([contactsOf(redis, userId), assignedStaff(redis, userId), assignedPatients(redis, userId)]);
  return new Set([...contacts, ...staff, ...patients]);
}
