import type { ErrorCode } from '../../shared/errors.ts';
import type { Mutation } from '../../shared/mutations.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { getSummaries, getUser } from '../store/users.ts';
import { readClinicSettings } from '../admin/clinic-settings.ts';
import { getConversation } from '../store/conversations.ts';
import { careTeamOf } from './directory.ts';
import { can, mayShareWithPatient, mayStartConversation, ROLE_POLICY } from './policy.ts';

/** The clinic's rule on who may be in a conversation with a patient, read at each use (admin/clinic-settings.ts). */
async function patientRule(redis: Redis): Promise<'staff' | 'clinicians'> {
  return (await readClinicSettings(redis)).patientConversations ?? 'staff';
}

/** True for the mutations whose outcome depends on the author's role (the others: on membership only). */
export function dependsOnRole(mutation: Pick<Mutation, 'kind' | 'args'>): boolean {
  switch (mutation.kind) {
    case 'conversation.create':
    case 'conversation.addParticipants':
      return true;
    case 'message.send':
      return (mutation.args as { urgent?: boolean }).urgent === true;
    default:
      return false;
  }
}

/**
 * The policy's word on one mutation (policy.ts), before the store sees it: null when the role allows
 * it, else the stable code to answer. Unknown participants are left to the store (`user_not_found`).
 */
export async function refusedByPolicy(redis: Redis, userId: string, mutation: Mutation): Promise<ErrorCode | null> {
  const actor = await getUser(redis, userId);
  if (actor === null) return 'unauthenticated';
  switch (mutation.kind) {
    case 'message.send':
      return can(actor.role, 'message.urgent') ? null : 'role_forbidden';
    case 'conversation.create': {
      const { participantIds, title, patient } = mutation.args;
      const otherIds = [...new Set(participantIds)].filter((id) => id !== userId);
      const others = (await getSummaries(redis, otherIds)).filter((s) => s !== null);
      const group = otherIds.length > 1 || title !== undefined || patient !== undefined;
      const team = actor.role === 'patient' ? await careTeamOf(redis, userId) : new Set<string>();
      const verdict = mayStartConversation(actor.role, others, group, team);
      if (verdict !== 'ok') return verdict;
      return mayShareWithPatient([actor.role, ...others.map((s) => s.role)], await patientRule(redis)) ? null : 'role_forbidden';
    }
    case 'conversation.addParticipants': {
      if (!can(actor.role, 'group.addParticipants')) return 'role_forbidden';
      const added = (await getSummaries(redis, mutation.args.participantIds)).filter((s) => s !== null);
      if (!added.every((s) => ROLE_POLICY[s.role].clinicalContact)) return 'user_not_found';
      const rule = await patientRule(redis);
      if (rule === 'staff') return null;
      // Membership is the store's to check: a non-member learns nothing here (no conversation, no roles).
      const conversation = await getConversation(redis, mutation.args.conversationId);
      if (conversation === null || !conversation.participants.some((p) => p.id === userId)) return null;
      return mayShareWithPatient([...conversation.participants, ...added].map((p) => p.role), rule) ? null : 'role_forbidden';
    }
    default:
      return null;
  }
}
