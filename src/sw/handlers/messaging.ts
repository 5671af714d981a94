import Dexie from 'dexie';
import { RelaisError, type ErrorCode } from '../../shared/errors.ts';
import { HistoryReply, PresenceReply } from '../../shared/http.ts';
import type { Mutation } from '../../shared/mutations.ts';
import { newId } from '../../shared/ids.ts';
import { LIMITS } from '../../shared/limits.ts';
import { Conversation } from '../../shared/model.ts';
import type { ConversationAction, SwArgs, SwResults } from '../../shared/sw-requests.ts';
import { errorCodeOf } from '../../shared/api-client.ts';
import { applyChanges, applyTables } from '../sync/apply-changes.ts';
import { lastLocalSeq } from '../store/queries.ts';
import { applyUserState, dropConversation } from '../store/lifecycle.ts';
import type { ActiveUser, SwContext } from '../session/context.ts';
import { searchLocal } from '../store/search.ts';

/**
 * Router handlers for the messaging features past send/read: conversation lifecycle, local search,
 * older history pages, local files, statistics and presence. Kept apart from router.ts.
 *
 * Archive, unarchive and "delete for me" only concern this user: they apply locally at once and go
 * through the outbox (offline works). Delete for everyone and group changes need the server to say
 * yes (creator or admin): they are pushed now and fail with the server's code otherwise.
 */

type MessagingOp = 'conversation.act' | 'search' | 'messages.older' | 'file.get' | 'presence.get';
type MessagingHandlers = { [Op in MessagingOp]: (ctx: SwContext, args: SwArgs<Op>) => Promise<SwResults[Op]> };

function fail(code: ErrorCode): never {
  throw new RelaisError(code);
}

function signedIn(ctx: SwContext): ActiveUser {
  return ctx.active ?? fail('no_session');
}

/** The mutation an action becomes (same args minus `kind`). */
function toMutation(action: ConversationAction): Mutation {
  const { kind, ...args } = action;
  return { id: newId(), kind, args } as Mutation;
}

async function applyPrivate(active: ActiveUser, action: ConversationAction, now: number): Promise<void> {
  const { db, engine } = active;
  const { conversationId } = action;
  await db.transaction('rw', [db.convStates, db.messages, db.outbox], async () => {
    const top = await lastLocalSeq(db, conversationId);
    const current = (await db.convStates.get(conversationId)) ?? { conversationId, archivedAtSeq: null, hiddenUpToSeq: 0 };
    const next =
      action.kind === 'conversation.archive'
        ? { ...current, archivedAtSeq: top }
        : action.kind === 'conversation.unarchive'
          ? { ...current, archivedAtSeq: null }
          : { ...current, hiddenUpToSeq: Math.max(current.hiddenUpToSeq, top) };
    await applyUserState(db, next);
    const mutation = toMutation(action);
    await db.outbox.add({ id: mutation.id, kind: mutation.kind, args: mutation.args, createdAt: now, attempts: 0, nextAttemptAt: now } as never);
  });
  engine.notifyChanged([conversationId]);
  void engine.flush();
}

async function applyAuthorized(active: ActiveUser, action: ConversationAction): Promise<void> {
  const { db, engine } = active;
  const result = await engine.pushNow(toMutation(action));
  if (!result.ok) fail(result.error.code);
  const changed = Conversation.safeParse((result.result as { conversation?: unknown } | undefined)?.conversation);
  await db.transaction('rw', applyTables(db), async () => {
    if (action.kind === 'conversation.delete' || action.kind === 'conversation.leave') {
      await dropConversation(db, action.conversationId);
    } else if (changed.success) {
      await db.conversations.put(changed.data);
    }
  });
  if (!changed.success && action.kind !== 'conversation.delete' && action.kind !== 'conversation.leave') fail('internal');
  engine.notifyChanged([action.conversationId]);
  // The system message the change wrote comes with the next pull.
  void engine.pull();
}

export const messagingHandlers: MessagingHandlers = {
  'conversation.act': async (ctx, action) => {
    const active = signedIn(ctx);
    if (action.kind === 'conversation.archive' || action.kind === 'conversation.unarchive' || action.kind === 'conversation.hide') {
      await applyPrivate(active, action, ctx.now());
    } else {
      await applyAuthorized(active, action);
    }
    return {};
  },

  search: async (ctx, args) => ({ hits: await searchLocal(signedIn(ctx).db, args.q) }),

  'messages.older': async (ctx, args) => {
    const { db, engine, user } = signedIn(ctx);
    const oldest = await db.messages
      .where('[conversationId+seq]')
      .between([args.conversationId, Dexie.minKey], [args.conversationId, Dexie.maxKey])
      .first();
    const before = oldest?.seq ?? (await lastLocalSeq(db, args.conversationId)) + 1;
    if (oldest && oldest.seq !== null && oldest.seq <= 1) return { added: 0, hasMore: false };
    const limit = LIMITS.HISTORY_LIMIT_DEFAULT;
    const query = oldest ? `?before=${before}&limit=${limit}` : `?limit=${limit}`;
    const response = await ctx.api.call('GET', `/api/conversations/${args.conversationId}/messages${query}`);
    if (response.status !== 200) fail(errorCodeOf(response));
    const reply = HistoryReply.safeParse(response.body);
    if (!reply.success) fail('internal');
    const { messages } = reply.data;
    await db.transaction('rw', applyTables(db), () =>
      applyChanges(db, messages.map((message) => ({ type: 'message' as const, message })), { detectGaps: false, userId: user.id }),
    );
    engine.notifyChanged([args.conversationId]);
    const lowest = messages[0]?.seq ?? 1;
    return { added: messages.length, hasMore: messages.length === limit && lowest > 1 };
  },

  'file.get': async (ctx, args) => {
    const row = await signedIn(ctx).db.files.get(args.localId);
    if (!row) fail('not_found');
    return { bytes: row.bytes, mime: row.mime, name: row.name };
  },

  'presence.get': async (ctx, args) => {
    signedIn(ctx);
    if (args.userIds.length === 0) return { presence: [] };
    const response = await ctx.api.call('GET', `/api/presence?ids=${args.userIds.join(',')}`);
    if (response.status !== 200) fail(errorCodeOf(response));
    const reply = PresenceReply.safeParse(response.body);
    return reply.success ? reply.data : fail('internal');
  },
};
