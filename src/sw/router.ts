import Dexie from 'dexie';
import { RelaisError, type ErrorCode } from '../shared/errors.ts';
import { UserReply, UsersReply } from '../shared/http.ts';
import type { Mutation } from '../shared/mutations.ts';
import { newId } from '../shared/ids.ts';
import { Conversation } from '../shared/model.ts';
import { SwRequest, type SwArgs, type SwOp, type SwReply, type SwResults } from '../shared/sw-requests.ts';
import type { LocalMessage, SyncState } from '../shared/local-model.ts';
import { errorCodeOf } from '../shared/api-client.ts';
import { cleanupAfterQuota, deviceHandlers } from './handlers/device.ts';
import { createVerifier } from './session/lock.ts';
import { isQuotaError } from './quota.ts';
import { META, getMeta } from './store/meta.ts';
import { listConversationPage, listMessages, summaryOf } from './store/queries.ts';
import { stageFiles } from './sync/attachments.ts';
import { messagingHandlers } from './handlers/messaging.ts';
import { conversationOpened, notificationHandlers, preferencesChanged } from './handlers/notifications.ts';
import type { ActiveUser, SwContext } from './session/context.ts';

/**
 * The tab → service worker request router. Every request is validated against `SwRequest`
 * (invariant 5): malformed → `bad_request`, unknown op → `unknown_op`; a handler's failure becomes
 * a coded error reply, never an exception.
 */

type Handler<Op extends SwOp> = (ctx: SwContext, args: SwArgs<Op>) => Promise<SwResults[Op]>;
type Handlers = { [Op in SwOp]: Handler<Op> };

const IDLE_STATE: SyncState = { online: true, flushing: false, pending: 0, lastSyncAt: null, lastErrorCode: null };

function fail(code: ErrorCode): never {
  throw new RelaisError(code);
}

function signedIn(ctx: SwContext): ActiveUser {
  return ctx.active ?? fail('no_session');
}

const handlers: Handlers = {
  'session.get': async (ctx) => ctx.session(),

  'auth.login': async (ctx, args) => {
    const response = await ctx.api.call('POST', '/api/auth/login', args);
    if (response.status !== 200) fail(errorCodeOf(response));
    const reply = UserReply.safeParse(response.body);
    if (!reply.success) fail('internal');
    // The salted hash lets the lock screen open while offline (lock.ts); never the password itself.
    await ctx.signIn(reply.data.user, { verifier: await createVerifier(args.password) });
    return ctx.session();
  },

  'auth.logout': async (ctx) => {
    if (ctx.active) await ctx.api.call('POST', '/api/auth/logout'); // best effort: no answer is fine
    return { discarded: await ctx.signOut() };
  },

  'conversations.list': async (ctx, args) => {
    const { db, user } = signedIn(ctx);
    return listConversationPage(db, user.id, args ?? {});
  },

  'conversation.create': async (ctx, args) => {
    const { db, engine } = signedIn(ctx);
    const mutation: Mutation = {
      id: newId(),
      kind: 'conversation.create',
      args: {
        conversationId: newId(),
        participantIds: args.participantIds,
        ...(args.title === undefined ? {} : { title: args.title }),
        ...(args.patient === undefined ? {} : { patient: args.patient }),
      },
    };
    const result = await engine.pushNow(mutation);
    if (!result.ok) fail(result.error.code);
    const created = Conversation.safeParse((result.result as { conversation?: unknown } | undefined)?.conversation);
    if (!created.success) fail('internal');
    await db.conversations.put(created.data);
    engine.notifyChanged([created.data.id]);
    return { conversationId: created.data.id };
  },

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
    if (args.body.trim() === '' && !args.files) fail('bad_request');
    // A replayed request (same message id) must not store its files twice.
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
    const active = signedIn(ctx);
    await active.engine.markRead(args.conversationId, args.seq);
    // Opening (reading) a conversation marks its notifications read and closes its banners.
    await conversationOpened(ctx, active, args.conversationId);
    return {};
  },

  'users.search': async (ctx, args) => {
    signedIn(ctx);
    const response = await ctx.api.call('GET', `/api/users?q=${encodeURIComponent(args.q)}`);
    if (response.status !== 200) fail(errorCodeOf(response));
    const reply = UsersReply.safeParse(response.body);
    return { users: reply.success ? reply.data.users : fail('internal') };
  },

  'sync.now': async (ctx, args) => {
    const active = ctx.active;
    return active ? active.engine.sync(args?.reason) : IDLE_STATE;
  },

  'sync.state': async (ctx) => ctx.active?.engine.state() ?? IDLE_STATE,

  'live.frame': async (ctx, args) => {
    const { engine } = signedIn(ctx);
    if (args.frame.type === 'changes') await engine.applyLive(args.frame.changes);
    if (args.frame.type === 'preferences') await preferencesChanged(ctx, args.frame.preferences);
    return {};
  },

  'draft.set': async (ctx, args) => {
    const { db } = signedIn(ctx);
    const key = META.draft(args.conversationId);
    if (args.text === '') await db.meta.delete(key);
    else await db.meta.put({ key, value: args.text });
    return {};
  },

  'draft.get': async (ctx, args) => {
    const { db } = signedIn(ctx);
    return { text: (await getMeta<string>(db, META.draft(args.conversationId))) ?? '' };
  },

  ...deviceHandlers,
  ...messagingHandlers,
  ...notificationHandlers,
};

function requestId(raw: unknown): string {
  const id = (raw as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : '';
}

function isKnownOp(raw: unknown): boolean {
  const op = (raw as { op?: unknown } | null | undefined)?.op;
  return typeof op === 'string' && Object.hasOwn(handlers, op);
}

function codeOf(error: unknown): ErrorCode {
  if (error instanceof RelaisError) return error.code;
  if (isQuotaError(error)) return 'storage_full';
  if (error instanceof Dexie.DexieError) return 'storage_error';
  return 'internal';
}

/** Validates and runs one tab request; always resolves with a reply for the request's id. */
export async function handleRequest(ctx: SwContext, raw: unknown): Promise<SwReply> {
  const id = requestId(raw);
  const parsed = SwRequest.safeParse(raw);
  if (!parsed.success) {
    const typeofOp = typeof (raw as { op?: unknown } | null | undefined)?.op;
    const code: ErrorCode = typeofOp === 'string' && !isKnownOp(raw) ? 'unknown_op' : 'bad_request';
    return { id, ok: false, error: { code } };
  }
  const request = parsed.data;
  try {
    await ctx.ready();
    const handler = handlers[request.op] as Handler<SwOp>;
    const result = await handler(ctx, request.args as SwArgs<SwOp>);
    return { id, ok: true, result } as SwReply;
  } catch (error) {
    const code = codeOf(error);
    // The failed write was one transaction (nothing half-written); make room for the next attempt.
    if (code === 'storage_full') await cleanupAfterQuota(ctx);
    return { id, ok: false, error: { code } };
  }
}
