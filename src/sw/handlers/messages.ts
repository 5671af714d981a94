import { HistoryReply } from '../../shared/http.ts';
import { LIMITS } from '../../shared/limits.ts';
import type { LocalMessage } from '../../shared/local-model.ts';
import { conversationOpened } from '../notifications/announce.ts';
import { readDraft, writeDraft } from '../store/drafts.ts';
import { lastLocalSeq, listMessages, sentRange, summaryOf } from '../store/queries.ts';
import { applyChanges } from '../sync/apply-changes.ts';
import { stageFiles } from '../sync/attachments.ts';
import { fail, signedIn, type Handlers } from './kit.ts';

/**
 * Requests about a conversation's messages: the pages shown, sending (with files) and retrying,
 * reading, older history from the server, the files kept locally and the composer's draft.
 */

type MessageOp = 'messages.list' | 'message.send' | 'message.retry' | 'read.mark' | 'messages.older' | 'file.get' | 'draft.set' | 'draft.get';

export const messageHandlers: Handlers<MessageOp> = {
  'messages.list': async (ctx, args) => {
    const { db, user } = signedIn(ctx);
    // Older pages leave the header as it is: only the newest one carries the summary.
    const [list, summary] = await Promise.all([
      listMessages(db, args.conversationId, user.id, args),
      args.beforeSeq ? undefined : summaryOf(db, user.id, args.conversationId),
    ]);
    return summary === undefined ? list : { ...list, summary };
  },

  'message.send': async (ctx, args) => {
    const { db, engine, user } = signedIn(ctx);
    // The request's schema refused an empty body without files. A replayed request (same message
    // id) must not store its files twice.
    const existing = await db.messages.get(args.messageId);
    if (existing) return { message: existing };
    const attachments = args.files ? await stageFiles(db, args, args.files) : undefined;
    const message: LocalMessage = {
      conversationId: args.conversationId,
      messageId: args.messageId,
      seq: null,
      senderId: user.id,
      body: args.body,
      urgent: args.urgent ?? false,
      time: ctx.now(),
      status: 'pending',
      ...(args.replyTo ? { replyTo: args.replyTo } : {}),
      ...(attachments ? { attachments } : {}),
    };
    return { message: await engine.send(message) };
  },

  'message.retry': async (ctx, args) => {
    const { engine } = signedIn(ctx);
    const message = await engine.retry(args.messageId);
    return { message: message ?? fail('not_found') };
  },

  'read.mark': async (ctx, args) => {
    const { db, engine } = signedIn(ctx);
    await engine.markRead(args.conversationId, args.seq);
    // Opening (reading) a conversation marks its notifications read and closes its banners.
    await conversationOpened(db, ctx.options.broadcast, args.conversationId);
    return {};
  },

  'messages.older': async (ctx, args) => {
    const { db, engine, user } = signedIn(ctx);
    const oldest = await sentRange(db, args.conversationId).first();
    const before = oldest?.seq ?? (await lastLocalSeq(db, args.conversationId)) + 1;
    if (oldest && oldest.seq !== null && oldest.seq <= 1) return { added: 0, hasMore: false };
    const limit = LIMITS.HISTORY_LIMIT_DEFAULT;
    const query = oldest ? `?before=${before}&limit=${limit}` : `?limit=${limit}`;
    const { messages } = await ctx.api.read('GET', `/api/conversations/${args.conversationId}/messages${query}`, HistoryReply);
    await applyChanges(db, messages.map((message) => ({ type: 'message' as const, message })), { detectGaps: false, userId: user.id });
    engine.notifyChanged([args.conversationId]);
    const lowest = messages[0]?.seq ?? 1;
    return { added: messages.length, hasMore: messages.length === limit && lowest > 1 };
  },

  'file.get': async (ctx, args) => {
    const row = await signedIn(ctx).db.files.get(args.localId);
    if (!row) fail('not_found');
    return { bytes: row.bytes, mime: row.mime, name: row.name };
  },

  'draft.set': async (ctx, args) => {
    await writeDraft(signedIn(ctx).db, args.conversationId, args.text);
    return {};
  },

  'draft.get': async (ctx, args) => ({ text: await readDraft(signedIn(ctx).db, args.conversationId) }),
};
