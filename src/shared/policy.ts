import type { Role } from './model.ts';

/**
 * What each role may do, one table shared by the gateway (which enforces it: src/server/policy/) and
 * the app (which offers only what the role may do, so no button answers `role_forbidden`).
 * Documented in docs/ARCHITECTURE.md ("Roles and care teams").
 */

/** What a role may do beyond reading and writing in the conversations it is in. */
export type Capability =
  /** Create a conversation (direct; a group also needs `group.create`). */
  | 'conversation.create'
  | 'group.create'
  /** Add participants to a group (besides being its creator or an admin: see store/lifecycle.ts). */
  | 'group.addParticipants'
  | 'message.urgent'
  | 'call.start'
  | 'stats.read'
  /** Set an availability status (Disponible, En consultation…) that contacts see. */
  | 'status.set'
  /** Export a conversation about a patient to the patient's record (FHIR). */
  | 'conversation.export'
  /** See the clinic's function roles and who holds each now (`GET /api/functions`). */
  | 'function.read'
  /** Hand a function over (`POST /api/functions/:id/handover`): staff when they hold it; an admin always. */
  | 'function.handover';

/** Whom a role finds in the directory (`GET /api/users`). */
export type DirectoryScope =
  /** Staff and patients, never admins. */
  | 'clinical'
  /** The user's care team: the staff an admin assigned to them and those who share a conversation with them. */
  | 'careTeam'
  /** Staff only: an operator has no business browsing patients. */
  | 'staff';

export interface RolePolicy {
  /** Listed in the clinical directory and may be a conversation's participant. */
  clinicalContact: boolean;
  directory: DirectoryScope;
  /**
   * Added to a group, sees what was written before they joined (the history rule): staff do, a
   * patient sees nothing from before (pull, history pages, files of earlier messages).
   */
  historyBeforeJoining: boolean;
  can: ReadonlySet<Capability>;
}

const STAFF: RolePolicy = {
  clinicalContact: true,
  directory: 'clinical',
  historyBeforeJoining: true,
  can: new Set<Capability>(['conversation.create', 'group.create', 'group.addParticipants', 'message.urgent', 'call.start', 'stats.read', 'status.set', 'conversation.export', 'function.read', 'function.handover']),
};

export const ROLE_POLICY: Readonly<Record<Role, RolePolicy>> = {
  doctor: STAFF,
  nurse: STAFF,
  secretary: STAFF,
  patient: { clinicalContact: true, directory: 'careTeam', historyBeforeJoining: false, can: new Set<Capability>(['conversation.create']) },
  admin: { clinicalContact: false, directory: 'staff', historyBeforeJoining: true, can: new Set<Capability>(['function.handover']) },
};

/** True when this role may do this. An unknown role may do nothing. */
export function can(role: Role | undefined, capability: Capability): boolean {
  return role !== undefined && ROLE_POLICY[role]?.can.has(capability) === true;
}

/** True for the care-giving roles. */
export function isStaff(role: Role | undefined): boolean {
  return role === 'doctor' || role === 'nurse' || role === 'secretary';
}

