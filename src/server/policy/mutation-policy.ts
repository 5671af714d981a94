import type { ErrorCode } from '../../shared/errors.ts';
import type { Mutation } from '../../shared/mutations.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { getSummaries, getUser } from '../store/users.ts';
import { careTeamOf } from './directory.ts';
import { can, mayStartConversation, ROLE_POLICY } from './policy.ts';

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
      return verdict === 'ok' ? null : verdict;
    }
    case 'conversation.addParticipants': {
      if (!can(actor.role, 'group.addParticipants')) return 'role_forbidden';
      const added = (await getSummaries(redis, mutation.args.participantIds)).filter((s) => s !== null);
      return added.every((s) => ROLE_POLICY[s.role].clinicalContact) ? null : 'user_not_found';
    }
    default:
      return null;
  }
}
