import type { FastifyInstance } from 'fastify';
import { PasswordChangeBody } from '../../shared/http.ts';
import type { GatewayCore } from '../core/context.ts';
import { sendError } from '../http/http-errors.ts';
import { findCredentials, getUser } from '../store/users.ts';
import { DEVICE_ID, deviceId, listDevices, signOutDevices } from './devices.ts';
import { slowedDown, type LoginLimiter } from './login-limiter.ts';
import { changePassword } from './password-change.ts';
import { verifyPassword } from './password.ts';
import { SESSION_COOKIE, sessionKey } from './sessions.ts';

/**
 * The signed-in person's own account: `GET /api/me/devices`, `DELETE /api/me/devices/:id` (one),
 * `DELETE /api/me/devices` (all but this one), `POST /api/me/password`. Devices signed out lose their
 * sockets on every gateway (the bus); a password change ends every session but this device's.
 */
export async function meRoutes(app: FastifyInstance, ctx: GatewayCore, limiter: LoginLimiter): Promise<void> {
  const preHandler = ctx.requireUser;
  const currentKey = (cookies: Record<string, string | undefined>): string | null => sessionKey(cookies[SESSION_COOKIE]);
  const ended = async (userId: string, keys: string[]): Promise<void> => {
    for (const key of keys) ctx.sessionHints.forget(key);
    ctx.live.publishSessionsEnded(keys);
    for (const key of keys) await ctx.audit.record({ action: 'session.revoked', actor: userId, target: deviceId(key) });
  };

  app.get('/api/me/devices', { preHandler }, async (request) => ({
    devices: await listDevices(ctx.redis, request.userId, currentKey(request.cookies)),
  }));

  app.delete('/api/me/devices/:id', { preHandler }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!DEVICE_ID.test(id)) return sendError(reply, 'not_found');
    const keys = await signOutDevices(ctx.redis, request.userId, (key) => deviceId(key) === id);
    if (keys.length === 0) return sendError(reply, 'not_found');
    await ended(request.userId, keys);
    return reply.code(204).send();
  });

  app.delete('/api/me/devices', { preHandler }, async (request) => {
    const current = currentKey(request.cookies);
    const keys = await signOutDevices(ctx.redis, request.userId, (key) => key !== current);
    await ended(request.userId, keys);
    return { ended: keys.length };
  });

  app.post('/api/me/password', { preHandler }, async (request, reply) => {
    const body = PasswordChangeBody.safeParse(request.body);
    if (!body.success) return sendError(reply, 'bad_request');
    const user = await getUser(ctx.redis, request.userId);
    if (user === null) return sendError(reply, 'unauthenticated');
    // Guessing the current password here is guessing a login: the same slowdown counts it.
    if (await slowedDown(limiter, user.username, request.ip, reply)) return reply;
    const found = await findCredentials(ctx.redis, user.username);
    if (found === null || !(await verifyPassword(body.data.current, found.passwordHash))) return sendError(reply, 'invalid_credentials');
    await limiter.succeeded(user.username, request.ip);
    // Every other session ends (announced on the bus by changePassword); this device's goes on.
    await changePassword(ctx.redis, user.id, body.data.password, ctx.config.passwordParams, currentKey(request.cookies) ?? undefined);
    await ctx.audit.record({ action: 'auth.password_changed', actor: user.id, ip: request.ip });
    return reply.code(204).send();
  });
}
