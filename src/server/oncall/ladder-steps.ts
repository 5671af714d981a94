import { Change, type Conversation } from '../../shared/model.ts';
import type { LadderTarget } from '../../shared/oncall.ts';
import { derivedId } from '../../shared/urgent-ack.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import type { Appended } from '../store/conversations.ts';
import { getConversation } from '../store/conversations.ts';
import { getFunction, readLadder } from '../store/functions.ts';
import { getSummaries } from '../store/users.ts';
import { functionEntries, mayHold } from './function-entries.ts';
import { answeredByAnyone, noteFunctionUrgent } from './function-urgent.ts';
import { decideStep, startLadder, type LadderEntry } from './ladder.ts';
import { writeOncallLine } from './ladder-lines.ts';

/** An urgent message to alert someone of, as Web Push needs it (push/push-service.ts `alertUrgent`). */
export interface UrgentAlert {
  userId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  senderName: string;
}

/** What the on-call feature asks of Web Push: an Urgency high push now, then reminders until they answer. */
export interface UrgentAlerts {
  alertUrgent(alert: UrgentAlert): Promise<void>;
}

export interface LadderStepsOptions {
  redis: Redis;
  now: () => number;
  audit: AuditLog;
  /** Publishes an appended change live (the pull delivers it anyway). */
  publish: (appended: Appended) => void;
  alerts: UrgentAlerts;
  /** Queues a step (the ladder scheduler). */
  enqueue: (entry: LadderEntry, dueAt: number) => Promise<void>;
  log: { warn(details: object, text: string): void };
}

/** The id (and mutation id) of one step's line: derived, so the step writes it once (ladder-lines.ts). */
export function escalatedLineId(conversationId: string, messageId: string, step: number): Promise<string> {
  return derivedId(`relais.urgent-escalated|${conversationId}|${messageId}|${step}`);
}

/**
 * The ladder's two moments: an urgent message appended in a conversation written to a function
 * (noted for handovers, its ladder's first step queued), and a due step run (oncall/ladder.ts draws it).
 */
export function ladderSteps(options: LadderStepsOptions) {
  const { redis, now } = options;

  /** Who a step alerts now: the staff member if they may still be alerted, or the function's holder; null: nobody. */
  async function resolveTarget(target: LadderTarget, at: number): Promise<string | null> {
    if (target.kind === 'user') return (await mayHold(redis, ['doctor', 'nurse', 'secretary'], [target.userId])) ? target.userId : null;
    const definition = await getFunction(redis, target.functionId);
    if (definition === null) return null;
    const [entry] = await functionEntries(redis, [definition], at);
    return entry?.holder?.id ?? null;
  }

  async function alert(userId: string, entry: LadderEntry): Promise<void> {
    const [sender] = await getSummaries(redis, [entry.senderId]);
    await options.alerts.alertUrgent({ userId, conversationId: entry.conversationId, messageId: entry.messageId, seq: entry.seq, senderName: sender?.displayName ?? '' });
  }

  return {
    /** Hears every appended change (on the gateway that appended it): urgent messages to a function start its ladder. */
    async onAppended(appended: Appended): Promise<void> {
      if (!appended.change.startsWith('{"type":"message"') || !appended.change.includes('"urgent":true')) return;
      const parsed = Change.safeParse(JSON.parse(appended.change));
      if (!parsed.success || parsed.data.type !== 'message') return;
      const message = parsed.data.message;
      if (!message.urgent || message.kind === 'system') return;
      const conversation: Conversation | null = await getConversation(redis, message.conversationId);
      const addressed = conversation?.function;
      if (!addressed) return;
      const sentAt = now();
      await noteFunctionUrgent(redis, addressed.id, message.conversationId, message.messageId, sentAt);
      const first = startLadder(
        { conversationId: message.conversationId, messageId: message.messageId, seq: message.seq, senderId: message.senderId, functionId: addressed.id, sentAt },
        await readLadder(redis, addressed.id),
      );
      if (first !== null) await options.enqueue(first.entry, first.dueAt);
    },

    /** Runs one due step; answers the next one to queue, or null. */
    async runStep(entry: LadderEntry): Promise<{ entry: LadderEntry; dueAt: number } | null> {
      const at = now();
      const answered = await answeredByAnyone(redis, entry.conversationId, entry.messageId, entry.senderId);
      const decision = decideStep(entry, await readLadder(redis, entry.functionId), { answered, now: at });
      if (decision.kind === 'stop') return null;
      if (decision.kind === 'wait') return { entry, dueAt: decision.dueAt };
      const userId = await resolveTarget(decision.step.target, at);
      if (userId === null || userId === entry.senderId) return decision.next;
      const lineId = await escalatedLineId(entry.conversationId, entry.messageId, decision.number);
      const written = await writeOncallLine(redis, {
        conversationId: entry.conversationId,
        actorId: entry.senderId,
        mutationId: lineId,
        lineId,
        system: { type: 'urgent.escalated', messageId: entry.messageId, step: decision.number, userId, afterMinutes: decision.step.afterMinutes },
        addUserId: userId,
      });
      // The sender left, or the conversation is gone: nothing more to escalate.
      if (!written.ok) return written.code === 'unavailable' ? Promise.reject(new Error('conversation busy')) : null;
      if (written.appended) options.publish(written.appended);
      // Alerted again when the step is run again (a gateway died after the line): better twice than never.
      await alert(userId, entry);
      if (written.written) {
        await options.audit.record({
          action: 'urgent.escalated',
          actor: null,
          target: entry.functionId,
          conversationId: entry.conversationId,
          userIds: [userId],
          detail: `step=${decision.number}`,
        });
      }
      return decision.next;
    },
  };
}

export type LadderSteps = ReturnType<typeof ladderSteps>;
