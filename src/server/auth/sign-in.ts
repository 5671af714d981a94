import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayCore } from '../core/context.ts';
import { isDisabled } from '../store/users.ts';
import { deviceLabel, rememberDevice } from './devices.ts';
import { markReplaced, openSession, revokeSessions, SESSION_COOKIE, SESSION_COOKIE_OPTIONS, sessionKey, type SessionLifetime } from './sessions.ts';

/** The clinic's session lifetimes, read at each use: its settings may change them on every gateway (admin/clinic-settings.ts). */
export function sessionLifetime(ctx: GatewayCore): SessionLifetime {
  return { ttlSeconds: ctx.settings.sessionTtlSeconds(), maxAgeSeconds: ctx.settings.sessionMaxAgeSeconds() };
}

/** Ends the session of this token, if any, and closes its sockets on every gateway; answers whose it was. */
export async function endSessionOf(ctx: GatewayCore, token: string | undefined): Promise<string | null> {
  const key = sessionKey(token);
  if (key === null) return null;
  ctx.sessionHints.forget(key);
  const owner = (await ctx.redis.get(key))?.split(' ')[0] || null;
  ctx.live.publishSessionsEnded(await revokeSessions(ctx.redis, [key]));
  return owner;
}

/**
 * Opens the session of a person whose identity was just proven (password, or the identity
 * provider): ends the one this device presented, remembers the device, sets the cookie. Answers
 * the new session's key, or null when the account was disabled meanwhile (no session then).
 */
export async function openDeviceSession(ctx: GatewayCore, request: FastifyRequest, reply: FastifyReply, userId: string): Promise<string | null> {
  const lifetime = sessionLifetime(ctx);
  // A new token each time, and the one this device presented ends: a token seen before sign-in
  // (planted, or left by the previous user of a shared tablet) is never the signed-in one.
  // The same person signing in again on this device (an online unlock, after a password change):
  // its requests still in flight with the old cookie are told so, not that they are signed out —
  // marked before the session ends, as its socket closes then and the tab asks again at once.
  const replacedKey = sessionKey(request.cookies[SESSION_COOKIE]);
  if (replacedKey !== null && (await ctx.redis.get(replacedKey))?.split(' ')[0] === userId) await markReplaced(ctx.redis, replacedKey);
  const previous = await endSessionOf(ctx, request.cookies[SESSION_COOKIE]);
  if (previous !== null) await ctx.audit.record({ action: 'session.revoked', actor: userId, target: previous });
  const token = await openSession(ctx.redis, userId, lifetime);
  // Disabled while this sign-in was checking the password: the session just opened ends at once.
  if (await isDisabled(ctx.redis, userId)) {
    await endSessionOf(ctx, token);
    return null;
  }
  const key = sessionKey(token) as string;
  ctx.sessionHints.remember(key, userId);
  await rememberDevice(ctx.redis, userId, key, deviceLabel(request.headers['user-agent']), lifetime.maxAgeSeconds);
  // The browser keeps it for the absolute lifetime; the server ends it sooner when unused.
  reply.setCookie(SESSION_COOKIE, token, { ...SESSION_COOKIE_OPTIONS, maxAge: lifetime.maxAgeSeconds });
  return key;
}
