import { UserReply } from '../../shared/http.ts';
import type { SessionState } from '../../shared/local-model.ts';
import type { User } from '../../shared/model.ts';
import { errorCodeOf, isTransient } from '../../shared/api-client.ts';
import type { SwContext } from '../session/context.ts';
import { checkVerifier, createVerifier } from '../session/lock.ts';
import { fail, signedIn, type Handlers } from './kit.ts';

/** Requests about who is signed in on this device: the session, sign-in and sign-out, the screen lock. */

/** Signs `user` in with the salted hash that lets the lock screen open offline (never the password itself). */
async function signInWith(ctx: SwContext, user: User, password: string): Promise<SessionState> {
  await ctx.signIn(user, { verifier: await createVerifier(password) });
  return ctx.session();
}

/**
 * Unlocks the screen: online, the server checks the password (and the offline hash is refreshed);
 * with no answer from the server, the salted hash kept in the session store decides — after the
 * wait its earlier failures set, and never after OFFLINE_UNLOCK_MAX of them (lock.ts).
 */
async function unlock(ctx: SwContext, password: string, otp?: string): Promise<SessionState> {
  const { user } = signedIn(ctx);
  const response = await ctx.api.call('POST', '/api/auth/login', { username: user.username, password, otp });
  if (response.status === 200) {
    const reply = UserReply.safeParse(response.body);
    if (!reply.success || reply.data.user.id !== user.id) fail('invalid_credentials');
    return signInWith(ctx, reply.data.user, password);
  }
  if (!isTransient(response) || response.status === 429) fail(errorCodeOf(response));
  await ctx.chargeOfflineUnlock();
  const row = await ctx.sessionDb.session.get('current');
  if (!row?.verifier || !(await checkVerifier(password, row.verifier))) {
    ctx.announce(); // the lock screen shows the wait, or that the server is needed now
    fail('invalid_credentials');
  }
  await ctx.unlocked();
  return ctx.session();
}

export const sessionHandlers: Handlers<'session.get' | 'auth.login' | 'auth.logout' | 'auth.sso' | 'auth.lock' | 'auth.unlock'> = {
  'session.get': async (ctx) => ctx.session(),

  'auth.login': async (ctx, args) => {
    const { user } = await ctx.api.read('POST', '/api/auth/login', UserReply, args);
    return signInWith(ctx, user, args.password);
  },

  // No password, so no offline unlock: a locked SSO account unlocks through its provider again.
  'auth.sso': async (ctx) => {
    await ctx.signIn((await ctx.api.read('POST', '/api/auth/oidc/session', UserReply)).user);
    return ctx.session();
  },

  'auth.logout': async (ctx) => {
    if (ctx.active) await ctx.api.call('POST', '/api/auth/logout'); // best effort: no answer is fine
    return { discarded: await ctx.signOut() };
  },

  'auth.lock': async (ctx) => {
    signedIn(ctx);
    await ctx.lock();
    return ctx.session();
  },

  'auth.unlock': async (ctx, args) => unlock(ctx, args.password, args.otp),
};
