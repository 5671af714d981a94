import { RelaisError } from '../shared/errors.ts';
import { isSwOp, SwRequest, type SwArgs, type SwOp, type SwReply } from '../shared/sw-requests.ts';
import { errorCodeFor } from './errors.ts';
import { conversationHandlers } from './handlers/conversations.ts';
import { deviceHandlers, freeSpaceAfterQuota } from './handlers/device.ts';
import { directoryHandlers } from './handlers/directory.ts';
import { fail, type Handler, type Handlers } from './handlers/kit.ts';
import { messageHandlers } from './handlers/messages.ts';
import { notificationHandlers } from './handlers/notifications.ts';
import { searchHandlers } from './handlers/search.ts';
import { sessionHandlers } from './handlers/session.ts';
import { syncHandlers } from './handlers/sync.ts';
import { logFailure } from './log.ts';
import type { SwContext } from './session/context.ts';

/**
 * The tab → service worker request router: validates, dispatches, logs. Every request is checked
 * against `SwRequest` (invariant 5): malformed → `bad_request`, unknown op → `unknown_op`. A
 * handler's failure becomes a coded reply, never an exception (errors.ts says which code); an
 * unexpected one is logged with the request's id and op, never its args.
 */

const HANDLERS: Handlers<SwOp> = {
  ...sessionHandlers,
  ...conversationHandlers,
  ...messageHandlers,
  ...searchHandlers,
  ...directoryHandlers,
  ...notificationHandlers,
  ...deviceHandlers,
  ...syncHandlers,
};

/**
 * What a locked device still answers: the session, the lock screen (unlock, sign-out), and the
 * frames the tab's WebSocket forwards. Those are stored so the device stays up to date while locked
 * (the socket stays open: a call still rings); storing answers nothing to the page. Everything else,
 * which would show the user's data, answers `locked`.
 */
const OPEN_WHILE_LOCKED: ReadonlySet<SwOp> = new Set(['session.get', 'auth.login', 'auth.logout', 'auth.sso', 'auth.lock', 'auth.unlock', 'live.frame']);

/** Validates and runs one tab request; always resolves with a reply for the request's id. */
export async function handleRequest(ctx: SwContext, raw: unknown): Promise<SwReply> {
  const fields = raw as { id?: unknown; op?: unknown } | null | undefined;
  const id = typeof fields?.id === 'string' ? fields.id : '';
  const parsed = SwRequest.safeParse(raw);
  if (!parsed.success) {
    const op = fields?.op;
    return { id, ok: false, error: { code: typeof op === 'string' && !isSwOp(op) ? 'unknown_op' : 'bad_request' } };
  }
  const { op, args } = parsed.data;
  try {
    await ctx.ready();
    if (ctx.locked && !OPEN_WHILE_LOCKED.has(op)) fail('locked');
    const result = await (HANDLERS[op] as Handler<SwOp>)(ctx, args as SwArgs<SwOp>);
    return { id, ok: true, result } as SwReply;
  } catch (error) {
    const code = errorCodeFor(error);
    // An expected failure is a value for the tab; anything else is worth a line for whoever debugs.
    if (!(error instanceof RelaisError)) logFailure('request', error, id, op);
    // The failed write was one transaction (nothing half-written); make room for the next attempt.
    if (code === 'storage_full') await freeSpaceAfterQuota(ctx);
    return { id, ok: false, error: { code } };
  }
}
