import type { Mutation } from '../../shared/mutations.ts';
import { newId } from '../../shared/ids.ts';
import type { Conversation } from '../../shared/model.ts';
import type { ConversationAction } from '../../shared/sw-requests.ts';
import type { ActiveUser } from '../session/context.ts';
import { applyUserState, dropConversation } from '../store/lifecycle.ts';
import { lastLocalSeq, listConversationPage } from '../store/queries.ts';
import { applyTables } from '../sync/apply-changes.ts';
import { amendMessage } from '../store/amend.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { enqueueMutation } from '../sync/outbox.ts';
import { conversationIn } from '../sync/push-results.ts';
import { fail, signedIn, type Handlers } from './kit.ts';

/**
 * Requests about conversations: the list, creation, and the lifecycle actions.
 *
 * Archive, unarchive and "delete for me" only concern this user: they apply locally at once and go
 * through the outbox (offline works). Creation, delete for everyone and group changes need the
 * server to say yes (creator or admin): they are pushed now and fail with the server's code otherwise.
 */

/** The mutation an action becomes (same args minus `kind`). */
function toMutation(action: ConversationAction): Mutation {
  const { kind, ...args } = action;
  return { id: newId(), kind, args } as Mutation;
}

/** Pushes `mutation` now (it fails with the server's code); resolves with the conversation its answer carries, if any. */
async function pushForConversation(engine: SyncEngine, mutation: Mutation): Promise<Conversation | undefined> {
  const result = await engine.pushNow(mutation);
  return result.ok ? conversationIn(result.result) : fail(result.error.code);
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
    await enqueueMutation(db, toMutation(action), now);
  });
  engine.notifyChanged([conversationId]);
  void engine.flush();
}

/** My edit or withdrawal of my message: shown here at once (amend.ts), then through the outbox. */
async function amendOwn({ db, engine, user }: ActiveUser, action: Extract<ConversationAction, { kind: 'message.edit' | 'message.redact' }>, now: number): Promise<void> {
  const { conversationId, messageId } = action;
  await db.transaction('rw', applyTables(db), async () => {
    if (action.kind === 'message.edit') await db.messages.update(messageId, { pendingBody: action.body, editError: undefined });
    else await amendMessage(db, { conversationId, senderId: user.id, body: '', time: now, system: { type: 'message.redacted', messageId } });
    await enqueueMutation(db, toMutation(action), now);
  });
  engine.notifyChanged([conversationId]);
  void engine.flush();
}

async function applyAuthorized(active: ActiveUser, action: ConversationAction): Promise<void> {
  const { db, engine } = active;
  const changed = await pushForConversation(engine, toMutation(action));
  const gone = action.kind === 'conversation.delete' || action.kind === 'conversation.leave';
  await db.transaction('rw', applyTables(db), async () => {
    if (gone) await dropConversation(db, action.conversationId);
    else if (changed) await db.conversations.put(changed);
  });
  if (!changed && !gone) fail('internal');
  engine.notifyChanged([action.conversationId]);
  // The system message the change wrote comes with the next pull.
  void engine.pull();
}

export const conversationHandlers: Handlers<'conversations.list' | 'conversation.create' | 'conversation.act'> = {
  'conversations.list': async (ctx, args) => {
    const { db, user } = signedIn(ctx);
    return listConversationPage(db, user.id, args ?? {});
  },

  'conversation.create': async (ctx, args) => {
    const { db, engine } = signedIn(ctx);
    // The request's args are the mutation's (participants, title, patient), validated alike, and an id.
    const mutation: Mutation = { id: newId(), kind: 'conversation.create', args: { conversationId: newId(), ...args } };
    const created = (await pushForConversation(engine, mutation)) ?? fail('internal');
    await db.conversations.put(created);
    engine.notifyChanged([created.id]);
    return { conversationId: created.id };
  },

  'conversation.act': async (ctx, action) => {
    const active = signedIn(ctx);
    if (action.kind === 'conversation.open' || action.kind === 'message.ack') {
      // The access log's entry, an acknowledgement: through the outbox, nothing changes here (the
      // acknowledgement's line comes back with the pull, under the id the gateway derives).
      await enqueueMutation(active.db, toMutation(action), ctx.now());
      void active.engine.flush();
    } else if (action.kind === 'message.edit' || action.kind === 'message.redact') {
      await amendOwn(active, action, ctx.now());
    } else if (action.kind === 'conversation.archive' || action.kind === 'conversation.unarchive' || action.kind === 'conversation.hide') {
      await applyPrivate(active, action, ctx.now());
    } else {
      await applyAuthorized(active, action);
    }
    return {};
  },
};
