import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import type { Change, Conversation, Message, Participant } from '../../shared/model.ts';
import { execOrThrow } from './feed.ts';
import { KEYS } from './keys.ts';

/**
 * Reads a conversation's whole log for an export (messaging/fhir-export-routes.ts): every message
 * the user may read, oldest first, each with the participants it went to at the time — followed
 * through the log's `conversation` entries (created, renamed, members changed). Before the first
 * such entry still in the log (retention trims the oldest), the conversation's current participants
 * stand in. An edited message goes in with its last text (its `message.edited` lines); a withdrawn one
 * not at all (the server blanked it).
 */

const LOG_PAGE = 500;

export interface ExportLog {
  /** Messages people wrote (system lines and the blank tombstones of an erased log left out). */
  messages: { message: Message; recipientIds: string[] }[];
  /** Everyone the log names as a participant at some point, by id (their snapshot at that time). */
  people: Map<string, Participant>;
}

/**
 * The export's messages, or null when the user is not a member (the same answer as an unknown
 * conversation), or 'too_long' as soon as more than `maxMessages` would go in (nothing more is read).
 */
export async function readExportLog(redis: Redis, userId: string, conversation: Conversation, maxMessages: number): Promise<ExportLog | 'too_long' | null> {
  const conversationId = conversation.id;
  const [member, hiddenReply, floorReply] = (await execOrThrow(
    redis
      .pipeline()
      .sismember(KEYS.convMembers(conversationId), userId)
      .hget(KEYS.convUserState(conversationId), `${userId}:h`)
      .hget(KEYS.convUserState(conversationId), `${userId}:js`)
      .exec(),
  )) as [number, string | null, string | null];
  if (member !== 1) return null;
  // What the user deleted for themselves, or what came before they joined with a floor (the history
  // rule), is not theirs to export either: the same cut as history pages (store/conversations.ts).
  const hidden = Math.max(Number(hiddenReply ?? 0), Number(floorReply ?? 0));

  const people = new Map<string, Participant>(conversation.participants.map((p) => [p.id, p]));
  let current: string[] | null = null;
  const messages: ExportLog['messages'] = [];
  const exported = new Map<string, ExportLog['messages'][number]>();
  const log = KEYS.convLog(conversationId);
  let start = '-';
  for (;;) {
    const entries = await redis.xrange(log, start, '+', 'COUNT', LOG_PAGE);
    for (const [, fields] of entries) {
      const change = JSON.parse(fields[1] ?? 'null') as Change | null;
      if (change?.type === 'conversation') {
        current = change.conversation.participants.map((p) => p.id);
        for (const p of change.conversation.participants) if (!people.has(p.id)) people.set(p.id, p);
      } else if (change?.type === 'message') {
        const message = change.message;
        // An edit: the export carries the message as it reads now (a redaction blanked it and its edits).
        const edited = message.system?.type === 'message.edited' ? exported.get(message.system.messageId) : undefined;
        if (edited && message.body !== '') edited.message = { ...edited.message, body: message.body };
        if (message.seq <= hidden || message.kind === 'system') continue;
        if (message.body === '' && (message.attachments?.length ?? 0) === 0) continue;
        const around = current ?? conversation.participants.map((p) => p.id);
        if (messages.length === maxMessages) return 'too_long';
        const entry = { message, recipientIds: around.filter((id) => id !== message.senderId) };
        messages.push(entry);
        exported.set(message.messageId, entry);
      }
    }
    if (entries.length < LOG_PAGE) return { messages, people };
    start = `(${entries[entries.length - 1]?.[0] ?? '0-0'}`;
  }
}
