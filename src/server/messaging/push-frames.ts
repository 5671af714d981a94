import type { ClientFrame } from '../../shared/realtime.ts';
import { checkSession } from '../auth/require-user.ts';
import type { GatewayCore } from '../core/context.ts';
import { errorFields } from '../core/error-fields.ts';
import { errorCodeOf } from '../http/http-errors.ts';
import { frameHandler, type FrameHandler } from '../realtime/frame-handler.ts';
import { errorAnswer, pushService, type PushAnswer, type PushOptions } from './push.ts';

type PushFrame = Extract<ClientFrame, { type: 'push' }>;

/**
 * The realtime socket's `push` frame: the tab carries the service worker's outbox batch over the
 * socket it holds open, instead of a `POST /api/sync/push` (an HTTP request costs the gateway more
 * than the push itself: docs/PERFORMANCE.md). The same push as the route (push.ts), answered by a
 * `pushed` frame with the route's status and body. The socket's session was checked at the upgrade
 * and the socket closes when the session ends, so a push of messages and read markers goes in
 * unchecked (its scripts check the session as they write); anything else is looked up first, as
 * the route does, and a session ended since answers 401 with why (the device wipes on a revocation).
 * `observe`: the status and duration of each push, for the operators' metrics; `around`: see MessagingConfig.
 */
export function pushFrames(ctx: GatewayCore, options: PushOptions & { observe?: (status: number, seconds: number) => void } = {}): FrameHandler {
  const pushes = pushService(ctx, options);
  const isPush = (frame: ClientFrame): frame is PushFrame => frame.type === 'push';

  async function answer(userId: string, frame: PushFrame, session: string): Promise<PushAnswer> {
    if (pushes.mayGoUnchecked(frame.push)) return pushes.push({ userId, uncheckedKey: session }, frame.push);
    const checked = await checkSession(ctx.redis, session, ctx.settings.sessionTtlSeconds(), ctx.sessionHints);
    if ('refused' in checked) return errorAnswer(checked.refused);
    return pushes.push({ userId }, frame.push);
  }

  return frameHandler(isPush, async (userId, frame, reply, session) => {
    const started = performance.now();
    // Always a `pushed` for the tab waiting on it: a failure answers what the route's error handler would.
    const { status, body } = await answer(userId, frame, session).catch((err: unknown): PushAnswer => {
      const code = errorCodeOf(err as Error, { storeAvailable: () => ctx.redis.status === 'ready' });
      ctx.log.warn({ err: errorFields(err), userId }, 'push over the socket failed');
      return errorAnswer(code);
    });
    reply({ type: 'pushed', ref: frame.ref, status, body });
    options.observe?.(status, (performance.now() - started) / 1_000);
  });
}
