import type { Role } from '../../shared/model.ts';
import { can, isStaff, ROLE_POLICY, type DirectoryScope } from '../../shared/policy.ts';

export { can, isStaff, ROLE_POLICY, type Capability } from '../../shared/policy.ts';

/**
 * The clinic's policy on the gateway, over the table of src/shared/policy.ts. Every route, mutation
 * and frame whose outcome depends on who the user is asks here or there (`can`, `directoryScope`,
 * `mayStartConversation`), never compares roles itself. Documented in docs/ARCHITECTURE.md ("Roles"); proved by
 * tests/integration/policy/roles.test.ts and the authorization matrix.
 *
 * - Staff (doctor, nurse, secretary) are the clinical contacts: they find staff and patients in the
 *   directory and may do everything messaging offers.
 * - A patient is a clinical contact of their care team only: the staff an admin assigned to them and
 *   those who share a conversation with them. They see no one else (never another patient), write in direct conversations with their care
 *   team, and may not create groups, add members, flag a message urgent, start a call (staff call a
 *   patient; the patient answers) or read messaging statistics.
 * - `admin` is an operator role, not a clinical contact: never listed in the clinical directory,
 *   never a participant of a conversation (nobody can message an admin, an admin starts none).
 */

/** Whom this role finds in the directory. */
export function directoryScope(role: Role): DirectoryScope {
  return ROLE_POLICY[role].directory;
}

/** True when the directory entry of `role` is listed for this scope (a care team is further cut to the user's contacts). */
export function listedIn(scope: DirectoryScope, role: Role): boolean {
  return scope === 'clinical' ? ROLE_POLICY[role].clinicalContact : isStaff(role);
}

/**
 * Whether `actor` may start a conversation with these other people as a direct
 * one (`group` false) or a group: a stable code when not. `careTeam` holds the ids of the staff who
 * share a conversation with a patient actor (unused for staff).
 */
export function mayStartConversation(
  actor: Role,
  others: readonly { id: string; role: Role }[],
  group: boolean,
  careTeam: ReadonlySet<string>,
): 'ok' | 'role_forbidden' | 'user_not_found' {
  if (!can(actor, 'conversation.create') || (group && !can(actor, 'group.create'))) return 'role_forbidden';
  // Someone the actor may not reach answers as an unknown account: the directory never showed them.
  for (const other of others) {
    if (!ROLE_POLICY[other.role].clinicalContact) return 'user_not_found';
    if (actor === 'patient' && !(isStaff(other.role) && careTeam.has(other.id))) return 'user_not_found';
  }
  return 'ok';
}

/**
 * Who may be in a conversation that includes a patient (the clinic's settings): every member of
 * staff (`staff`, the default) or only clinicians, doctors and nurses (`clinicians`: no secretary).
 * True when these roles, together in one conversation, respect the rule.
 */
export function mayShareWithPatient(roles: readonly Role[], rule: 'staff' | 'clinicians'): boolean {
  if (rule === 'staff' || !roles.includes('patient')) return true;
  return roles.every((role) => role === 'patient' || role === 'doctor' || role === 'nurse');
}
