import { getStatuses } from '../store/availability.ts';
import type { FastifyInstance } from 'fastify';
import { ActivateBody, LoginBody } from '../../shared/http.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { slowedDown, type LoginLimiter } from './login-limiter.ts';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './password.ts';
import { SESSION_COOKIE, SESSION_COOKIE_OPTIONS, sessionKey, touchSession } from './sessions.ts';
import { endSessionOf, openDeviceSession, sessionLifetime } from './sign-in.ts';
import { adminTwoFactorRequired } from './two-factor-routes.ts';
import { checkSecondFactor, twoFactorEnabled } from './two-factor.ts';
import { findCredentials, getUser, replacePasswordHash, setPasswordHash } from '../store/users.ts';
import { KEYS } from '../store/keys.ts';
import { spendActivationCode, UNUSABLE_PASSWORD } from './activation.ts';

/**
 * `POST /api/auth/login` (with `otp` when the account has two-factor sign-in), `POST /api/auth/logout`,
 * `GET /api/me`; `limiter` counts login attempts, second factors included.
 */
export async function authRoutes(app: FastifyInstance, ctx: GatewayCore, limiter: LoginLimiter): Promise<void> {
  const params = ctx.config.passwordParams;
  const passwordLogin = ctx.config.signIn.passwordLogin;
  const endSession = (token: string | undefined): Promise<string | null> => endSessionOf(ctx, token);

  app.post('/api/auth/login', async (request, reply) => {
    // This deployment signs in through its identity provider only: the same answer whatever was sent.
    if (!passwordLogin) return sendError(reply, 'password_login_disabled');
    const body = LoginBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    if (await slowedDown(limiter, body.data.username, request.ip, reply)) return reply;
    const found = await findCredentials(ctx.redis, body.data.username);
    // Verify against a dummy hash for unknown names so the answer time does not reveal accounts.
    // An account waiting for its activation has no password: checked against the dummy hash too.
    const stored = found && found.passwordHash !== UNUSABLE_PASSWORD ? found.passwordHash : await dummyHash(params);
    const ok = await verifyPassword(body.data.password, stored);
    if (!found || !ok) {
      request.log.info({ event: 'login_failed' }, 'login refused');
      await ctx.audit.record({ action: 'auth.login_failed', actor: null, target: body.data.username.toLowerCase(), ip: request.ip });
      return sendError(reply, 'invalid_credentials');
    }
    // Said only to whoever knows the password: an outsider learns nothing of the account.
    if (found.disabled) {
      await ctx.audit.record({ action: 'auth.login_failed', actor: found.user.id, target: 'disabled', ip: request.ip });
      return sendError(reply, 'account_disabled');
    }
    if (await twoFactorEnabled(ctx.redis, found.user.id)) {
      const otp = body.data.otp;
      if (otp === undefined) {
        // This device holds a live session of the account (its screen's online unlock, its
        // re-sign-in after a password change): the second factor was given when that session
        // opened. The password is confirmed and the session kept as it is — neither renewed nor
        // extended, so a stolen cookie plus the password gains nothing it did not have.
        const presented = sessionKey(request.cookies[SESSION_COOKIE]);
        if ((await touchSession(ctx.redis, presented, sessionLifetime(ctx).ttlSeconds)) === found.user.id) {
          await limiter.succeeded(body.data.username, request.ip);
          await ctx.audit.record({ action: 'auth.login', actor: found.user.id, target: 'session_kept', ip: request.ip });
          return { user: found.user };
        }
        // Still counted by the slowdown: only the code is missing, but it was an attempt.
        return sendError(reply, 'otp_required');
      }
      const factor = await checkSecondFactor(ctx.redis, found.user.id, otp);
      if (factor === 'invalid') {
        await ctx.audit.record({ action: 'auth.login_failed', actor: found.user.id, target: 'otp_invalid', ip: request.ip });
        return sendError(reply, 'otp_invalid');
      }
      if (factor === 'recovery_code') await ctx.audit.record({ action: 'auth.recovery_code_used', actor: found.user.id, ip: request.ip });
    }
    // Hashed at weaker parameters than today's: hashed again now that the password is at hand.
    if (needsRehash(found.passwordHash, params)) {
      const rehashed = await replacePasswordHash(ctx.redis, found.user.id, found.passwordHash, await hashPassword(body.data.password, params));
      if (rehashed) request.log.info({ userId: found.user.id, event: 'password_rehashed' }, 'password rehashed');
    }
    await limiter.succeeded(body.data.username, request.ip);
    if ((await openDeviceSession(ctx, request, reply, found.user.id)) === null) return sendError(reply, 'account_disabled');
    await ctx.audit.record({ action: 'auth.login', actor: found.user.id, ip: request.ip });
    request.log.info({ userId: found.user.id, event: 'login' }, 'signed in');
    return { user: found.user };
  });

  // Activation with the one-time code an admin handed over; then the person signs in as usual.
  app.post('/api/auth/activate', async (request, reply) => {
    if (!passwordLogin) return sendError(reply, 'password_login_disabled');
    const body = ActivateBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    // Guessing a code is guessing a password: the same slowdown counts it.
    if (await slowedDown(limiter, body.data.username, request.ip, reply)) return reply;
    const found = await findCredentials(ctx.redis, body.data.username);
    if (!found || !(await spendActivationCode(ctx.redis, found.user.id, body.data.code))) return sendError(reply, 'invalid_credentials');
    await setPasswordHash(ctx.redis, found.user.id, await hashPassword(body.data.password, params));
    await limiter.succeeded(body.data.username, request.ip);
    await ctx.audit.record({ action: 'auth.activated', actor: found.user.id, ip: request.ip });
    return reply.code(204).send();
  });

  app.post('/api/auth/logout', async (request, reply) => {
    // A session opened by single sign-on: its ID token (kept for the provider's logout) goes with it.
    const key = sessionKey(request.cookies[SESSION_COOKIE]);
    if (key !== null) await ctx.redis.del(KEYS.ssoSession(key));
    const owner = await endSession(request.cookies[SESSION_COOKIE]);
    if (owner !== null) await ctx.audit.record({ action: 'auth.logout', actor: owner, ip: request.ip });
    reply.clearCookie(SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
    // The browser's HTTP cache of this origin goes too: on a shared tablet, nothing the user saw
    // may be served to the next one from it (downloads are no-store; this catches older answers).
    return reply.code(204).header('clear-site-data', '"cache"').send();
  });

  app.get('/api/me', { preHandler: ctx.requireUser }, async (request, reply) => {
    const user = await getUser(ctx.redis, request.userId);
    if (user === null) return sendError(reply, 'unauthenticated');
    const enabled = await twoFactorEnabled(ctx.redis, user.id);
    const required = user.role === 'admin' && (await adminTwoFactorRequired(ctx));
    const [status] = await getStatuses(ctx.redis, [user.id]);
    // Made by single sign-on (or never activated): no password here — the provider keeps it.
    const credentials = await findCredentials(ctx.redis, user.username);
    const password = credentials !== null && credentials.passwordHash !== UNUSABLE_PASSWORD;
    // The edit window, for the app to offer "Modifier" only while the gateway would accept it.
    const editWindowMinutes = ctx.settings.current().editWindowMinutes;
    return { user: status ? { ...user, status } : user, twoFactor: { enabled, required }, password, editWindowMinutes };
  });
}
