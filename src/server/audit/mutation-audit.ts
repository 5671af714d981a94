import { Mutation, type MutationResult } from '../../shared/mutations.ts';
import type { AuditEvent, AuditLog } from './audit-log.ts';

/** The mutation kinds the audit trail records (membership, deletions, openings, acknowledgements, edits and redactions); messages are not audited. */
const AUDITED = new Set([
  'conversation.create',
  'conversation.addParticipants',
  'conversation.removeParticipant',
  'conversation.leave',
  'conversation.delete',
  'conversation.open',
  'message.ack',
  'message.edit',
  'message.redact',
]);

/** The audit event of one applied mutation, or null for kinds the trail does not record. */
function eventOf(actor: string, mutation: Mutation, result: unknown): AuditEvent | null {
  switch (mutation.kind) {
    case 'conversation.create': {
      const conversation = (result as { conversation?: { id: string; participants: { id: string }[]; patient: { nationalId: string } | null } }).conversation;
      if (!conversation) return null;
      return {
        action: 'conversation.created',
        actor,
        conversationId: conversation.id,
        userIds: conversation.participants.map((p) => p.id),
        ...(conversation.patient ? { patientId: conversation.patient.nationalId } : {}),
      };
    }
    case 'conversation.addParticipants':
      return { action: 'conversation.members_added', actor, conversationId: mutation.args.conversationId, userIds: mutation.args.participantIds };
    case 'conversation.removeParticipant':
      return { action: 'conversation.member_removed', actor, conversationId: mutation.args.conversationId, target: mutation.args.userId };
    case 'conversation.leave':
      return { action: 'conversation.left', actor, conversationId: mutation.args.conversationId };
    case 'conversation.delete':
      return { action: 'conversation.deleted', actor, conversationId: mutation.args.conversationId };
    case 'conversation.open': {
      const patientId = (result as { patientId?: string } | undefined)?.patientId;
      return { action: 'conversation.opened', actor, conversationId: mutation.args.conversationId, ...(patientId ? { patientId } : {}) };
    }
    case 'message.ack':
      return { action: 'message.acknowledged', actor, conversationId: mutation.args.conversationId, target: mutation.args.messageId, detail: mutation.args.claim === true ? 'claim' : 'ack' };
    case 'message.edit':
    case 'message.redact':
      // Ids only: who changed which message, never what it said.
      return { action: mutation.kind === 'message.edit' ? 'message.edited' : 'message.redacted', actor, conversationId: mutation.args.conversationId, target: mutation.args.messageId };
    default:
      return null;
  }
}

/**
 * Records the membership changes and deletions of a pushed batch that were applied (replays
 * included: the trail says the author asked, and a replay is the same request). Messages and read
 * markers are not looked at: the message path writes no audit entry.
 */
export async function auditMutations(audit: AuditLog, actor: string, items: readonly unknown[], results: readonly MutationResult[]): Promise<void> {
  for (const [i, item] of items.entries()) {
    const kind = (item as { kind?: unknown } | null)?.kind;
    const result = results[i];
    if (typeof kind !== 'string' || !AUDITED.has(kind) || !result?.ok) continue;
    const parsed = Mutation.safeParse(item);
    const event = parsed.success ? eventOf(actor, parsed.data, result.result) : null;
    if (event) await audit.record(event);
  }
}
