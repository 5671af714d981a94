import { RelaisError, type ErrorCode } from '../../shared/errors.ts';
import type { SwArgs, SwOp, SwResults } from '../../shared/sw-requests.ts';
import type { ActiveUser, SwContext } from '../session/context.ts';

/** What every handler file is written with: the handler types, and the two ways a request stops early. */

/** Answers one op; its args were validated against the op's schema (router.ts). */
export type Handler<Op extends SwOp> = (ctx: SwContext, args: SwArgs<Op>) => Promise<SwResults[Op]>;

/** The handlers of an area's ops: each handler file exports one such table. */
export type Handlers<Op extends SwOp> = { [K in Op]: Handler<K> };

/** Ends the request with an expected failure: the tab gets `code`, nothing is logged. */
export function fail(code: ErrorCode): never {
  throw new RelaisError(code);
}

/** The signed-in user's store and engine; a request before sign-in ends with `no_session`. */
export function signedIn(ctx: SwContext): ActiveUser {
  return ctx.active ?? fail('no_session');
}
