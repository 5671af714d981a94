import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Cluster } from 'ioredis';
import { PullQuery, PushBody } from '../../shared/http.ts';
import { LIMITS } from '../../shared/limits.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { applyMutations, sendsScriptAtOnce, type UncheckedSession } from './mutations.ts';
import { applyWithAllowance, applyWithinLimits } from './send-limits.ts';
import { auditMutations } from '../audit/mutation-audit.ts';
import { SESSION_COOKIE, sessionKey, touchSession } from '../auth/sessions.ts';
import { cursorIsStale, pull } from '../store/pull.ts';

/** True for a push body made only of messages and read markers (whose scripts can check the session). */
function onlyScriptChecked(body: unknown): boolean {
  const mutations = (body as { mutations?: unknown } | null)?.mutations;
  return Array.isArray(mutations) && mutations.length > 0 && mutations.every(sendsScriptAtOnce);
}

/** `POST /api/sync/push` and `GET /api/sync/pull`. */
export async function syncRoutes(app: FastifyInstance, ctx: GatewayCore): Promise<void> {
  const preHandler = ctx.requireUser;
  const clustered = ctx.redis instanceof Cluster;
  /** Pushes let through on a session hint, by request: the session key their scripts must check. */
  const unchecked = new WeakMap<FastifyRequest, string>();

  /**
   * A push of messages and read markers from a session this gateway already knows (SessionHints) is
   * not looked up first: its scripts check the session as they write (SESSION in store/lua/fragments.ts),
   * so it costs one Redis round trip. Anything else, and on a cluster, is looked up as on every route.
   */
  const pushPreHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = sessionKey(request.cookies[SESSION_COOKIE]);
    const hinted = key === null ? undefined : ctx.sessionHints.get(key);
    if (hinted !== undefined && !clustered && onlyScriptChecked(request.body)) {
      request.userId = hinted;
      unchecked.set(request, key as string);
      return;
    }
    await preHandler(request, reply);
  };

  /** Looks an unchecked session up after all (nothing was written under it); false when it is gone. */
  const confirm = async (key: string): Promise<boolean> => {
    if ((await touchSession(ctx.redis, key, ctx.settings.sessionTtlSeconds())) !== null) return true;
    ctx.sessionHints.forget(key);
    return false;
  };

  app.post('/api/sync/push', { preHandler: pushPreHandler }, async (request, reply) => {
    const key = unchecked.get(request);
    // An answer that writes nothing, given once the session is known to be live (401 otherwise).
    const answerChecked = async (answer: () => FastifyReply | object): Promise<FastifyReply | object> =>
      key === undefined || (await confirm(key)) ? answer() : sendError(reply, 'unauthenticated');
    const body = PushBody.safeParse(request.body);
    if (!body.success) return answerChecked(() => sendError(reply, 'bad_request'));
    if (body.data.cursor !== undefined) {
      // Of another epoch or malformed: nothing is applied, the device pulls (and resets) first.
      if (await cursorIsStale(ctx.redis, body.data.cursor)) return answerChecked(() => ({ results: [], reset: true }));
    }
    const session: UncheckedSession | undefined = key === undefined ? undefined : { key, ttlSeconds: ctx.settings.sessionTtlSeconds(), checked: false };
    // In order: a message may follow the creation of its conversation in the same batch.
    // An unchecked session's messages check the allowance in their scripts (send-limits.ts).
    const results =
      session === undefined
        ? await applyWithinLimits(ctx.limits, request.userId, body.data.mutations, (passed) => applyMutations(ctx.redis, ctx.live, request.userId, passed))
        : await applyWithAllowance(ctx.limits, request.userId, body.data.mutations, (passed, allowance) => {
            // The same object: the scripts' verdict on the session (`checked`) is read below.
            if (allowance) session.allowance = allowance;
            return applyMutations(ctx.redis, ctx.live, request.userId, passed, session);
          });
    if (session !== undefined) {
      // Revoked since this gateway last saw it: whatever was written before was written under a live session.
      if (results.some((r) => !r.ok && r.error.code === 'unauthenticated')) {
        ctx.sessionHints.forget(session.key);
        return sendError(reply, 'unauthenticated');
      }
      // Every item refused before reaching a script: the session was never checked.
      if (!session.checked) return answerChecked(() => ({ results }));
    }
    await auditMutations(ctx.audit, request.userId, body.data.mutations, results);
    return { results };
  });

  app.get('/api/sync/pull', { preHandler }, async (request, reply) => {
    const query = PullQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    // A malformed cursor answers a reset, as one of another epoch (store/pull.ts).
    return pull(ctx.redis, request.userId, query.data.cursor, query.data.limit ?? LIMITS.PULL_LIMIT_DEFAULT);
  });
}
