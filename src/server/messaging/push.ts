import { Cluster } from 'ioredis';
import { statusForCode } from '../../shared/error-status.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import { PushBody, type PushReply } from '../../shared/http.ts';
import { auditMutations } from '../audit/mutation-audit.ts';
import { touchSession } from '../auth/sessions.ts';
import type { GatewayCore } from '../core/context.ts';
import { errorBody } from '../http/http-errors.ts';
import { cursorIsStale } from '../store/pull.ts';
import { applyMutations, sendsScriptAtOnce, type UncheckedSession } from './mutations.ts';
import { applyWithAllowance, applyWithinLimits } from './send-limits.ts';

/** What a push answers, whatever carried it: the HTTP status and body (`POST /api/sync/push`, or the socket's `pushed` frame). */
export interface PushAnswer {
  status: number;
  body: PushReply | ReturnType<typeof errorBody>;
}

/**
 * Who pushes: a user whose session was looked up for this push, or one whose session this gateway
 * already knows (a hint, or the socket it came on) and whose scripts check it as they write
 * (`uncheckedKey`, see `mayGoUnchecked`).
 */
export interface Pusher {
  userId: string;
  uncheckedKey?: string;
}

/** Wraps a push, whatever carried it: `body` as received, `push()` runs it (its session already checked). */
export type PushWrapper = (body: unknown, push: () => Promise<PushAnswer>) => Promise<PushAnswer>;

export function errorAnswer(code: ErrorCode): PushAnswer {
  return { status: statusForCode(code), body: errorBody(code) };
}

/** True for a push body made only of messages and read markers (whose scripts can check the session). */
function onlyScriptChecked(body: unknown): boolean {
  const mutations = (body as { mutations?: unknown } | null)?.mutations;
  return Array.isArray(mutations) && mutations.length > 0 && mutations.every(sendsScriptAtOnce);
}

/** `around`: see MessagingConfig.aroundPush; `now`: the on-call clock (MessagingConfig.oncallNow). */
export interface PushOptions {
  around?: PushWrapper;
  now?: () => number;
}

/**
 * A push of mutations, one for both ways in: `POST /api/sync/push` (sync-routes.ts) and the realtime
 * socket's `push` frame (push-frames.ts), so both answer the same for the same body.
 */
export function pushService(
  ctx: GatewayCore,
  { around, now = Date.now }: PushOptions = {},
): {
  /** True when `body` from a session this gateway knows may skip the lookup: its scripts check the session (never on a cluster). */
  mayGoUnchecked(body: unknown): boolean;
  push(pusher: Pusher, body: unknown): Promise<PushAnswer>;
} {
  const clustered = ctx.redis instanceof Cluster;

  /** Looks an unchecked session up after all (nothing was written under it); false when it is gone. */
  const confirm = async (key: string): Promise<boolean> => {
    if ((await touchSession(ctx.redis, key, ctx.settings.sessionTtlSeconds())) !== null) return true;
    ctx.sessionHints.forget(key);
    return false;
  };

  async function apply({ userId, uncheckedKey: key }: Pusher, rawBody: unknown): Promise<PushAnswer> {
    // An answer that writes nothing, given once the session is known to be live (401 otherwise).
    const answerChecked = async (answer: PushAnswer): Promise<PushAnswer> => (key === undefined || (await confirm(key)) ? answer : errorAnswer('unauthenticated'));
    const body = PushBody.safeParse(rawBody);
    if (!body.success) return answerChecked(errorAnswer('bad_request'));
    if (body.data.cursor !== undefined) {
      // Of another epoch or malformed: nothing is applied, the device pulls (and resets) first.
      if (await cursorIsStale(ctx.redis, body.data.cursor)) return answerChecked({ status: 200, body: { results: [], reset: true } });
    }
    const session: UncheckedSession | undefined = key === undefined ? undefined : { key, ttlSeconds: ctx.settings.sessionTtlSeconds(), checked: false };
    // In order: a message may follow the creation of its conversation in the same batch.
    // An unchecked session's messages check the allowance in their scripts (send-limits.ts).
    const results =
      session === undefined
        ? await applyWithinLimits(ctx.limits, userId, body.data.mutations, (passed) => applyMutations(ctx.redis, ctx.live, userId, passed, undefined, now))
        : await applyWithAllowance(ctx.limits, userId, body.data.mutations, (passed, allowance) => {
            // The same object: the scripts' verdict on the session (`checked`) is read below.
            if (allowance) session.allowance = { ...allowance, untaken: true };
            return applyMutations(ctx.redis, ctx.live, userId, passed, session, now);
          });
    if (session !== undefined) {
      // Revoked since this gateway last saw it: whatever was written before was written under a live session.
      if (results.some((r) => !r.ok && r.error.code === 'unauthenticated')) {
        ctx.sessionHints.forget(session.key);
        return errorAnswer('unauthenticated');
      }
      // Every item refused before reaching a script: the session was never checked.
      if (!session.checked) return answerChecked({ status: 200, body: { results } });
    }
    await auditMutations(ctx.audit, userId, body.data.mutations, results);
    return { status: 200, body: { results } };
  }

  return {
    mayGoUnchecked: (body) => !clustered && onlyScriptChecked(body),
    push: around ? (pusher, body) => around(body, () => apply(pusher, body)) : apply,
  };
}
