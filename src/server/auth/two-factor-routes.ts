import type { FastifyInstance } from 'fastify';
import { TwoFactorDisableBody, TwoFactorEnableBody } from '../../shared/http.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { KEYS } from '../store/keys.ts';
import { findCredentials, getUser } from '../store/users.ts';
import { slowedDown, type LoginLimiter } from './login-limiter.ts';
import { verifyPassword } from './password.ts';
import { beginSetup, checkSecondFactor, clearTwoFactor, enableTwoFactor, twoFactorEnabled } from './two-factor.ts';

/**
 * True when admins must enrol a second factor before acting as admin: required (`adminTwoFactor`)
 * and not a demo store — a gateway allowed to run the demo (`demo`, never in production) on a store
 * the demo seed filled.
 */
export async function adminTwoFactorRequired(ctx: GatewayCore): Promise<boolean> {
  if (ctx.config.adminTwoFactor === 'off') return false;
  return !(ctx.config.demo && (await ctx.redis.exists(KEYS.demoSeed)) === 1);
}

/** True when this admin must enrol a second factor before the admin routes answer (`two_factor_required`). */
export async function adminLacksTwoFactor(ctx: GatewayCore, userId: string): Promise<boolean> {
  return (await adminTwoFactorRequired(ctx)) && !(await twoFactorEnabled(ctx.redis, userId));
}

/**
 * The signed-in person's two-factor sign-in: `POST /api/me/2fa/setup` (a secret and its QR code,
 * pending 10 min), `POST /api/me/2fa/enable {code}` (confirmed: the recovery codes, shown once),
 * `POST /api/me/2fa/disable {password, code}` (a current or a recovery code). `GET /api/me` says
 * whether it is on (auth-routes.ts).
 */
export async function twoFactorRoutes(app: FastifyInstance, ctx: GatewayCore, limiter: LoginLimiter): Promise<void> {
  const preHandler = ctx.requireUser;

  app.post('/api/me/2fa/setup', { preHandler }, async (request, reply) => {
    const user = await getUser(ctx.redis, request.userId);
    if (user === null) return sendError(reply, 'unauthenticated');
    // Another app is enrolled only once this one is turned off (with its code): a stolen session
    // cannot move the second factor to its own phone.
    if (await twoFactorEnabled(ctx.redis, user.id)) return sendError(reply, 'two_factor_enabled');
    void reply.header('cache-control', 'no-store');
    return beginSetup(ctx.redis, user.id, user.username);
  });

  app.post('/api/me/2fa/enable', { preHandler }, async (request, reply) => {
    const body = TwoFactorEnableBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    if (await twoFactorEnabled(ctx.redis, request.userId)) return sendError(reply, 'two_factor_enabled');
    const recoveryCodes = await enableTwoFactor(ctx.redis, request.userId, body.data.code);
    if (recoveryCodes === null) return sendError(reply, 'otp_invalid');
    await ctx.audit.record({ action: 'auth.2fa_enabled', actor: request.userId, ip: request.ip });
    void reply.header('cache-control', 'no-store');
    return { recoveryCodes };
  });

  app.post('/api/me/2fa/disable', { preHandler }, async (request, reply) => {
    const body = TwoFactorDisableBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    const user = await getUser(ctx.redis, request.userId);
    if (user === null) return sendError(reply, 'unauthenticated');
    // Guessing the password or the code here is guessing a sign-in: the same slowdown counts it.
    if (await slowedDown(limiter, user.username, request.ip, reply)) return reply;
    const found = await findCredentials(ctx.redis, user.username);
    if (found === null || !(await verifyPassword(body.data.password, found.passwordHash))) return sendError(reply, 'invalid_credentials');
    if (await twoFactorEnabled(ctx.redis, user.id)) {
      const factor = await checkSecondFactor(ctx.redis, user.id, body.data.code);
      if (factor === 'invalid') {
        await ctx.audit.record({ action: 'auth.login_failed', actor: user.id, target: 'otp_invalid', ip: request.ip });
        return sendError(reply, 'otp_invalid');
      }
      if (factor === 'recovery_code') await ctx.audit.record({ action: 'auth.recovery_code_used', actor: user.id, ip: request.ip });
      await clearTwoFactor(ctx.redis, user.id);
      await ctx.audit.record({ action: 'auth.2fa_disabled', actor: user.id, ip: request.ip });
    }
    await limiter.succeeded(user.username, request.ip);
    return reply.code(204).send();
  });
}
