import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { ErrorCode } from '../../../shared/errors.ts';
import { OidcCallbackQuery, OidcStartQuery, type AuthMethods } from '../../../shared/http.ts';
import type { GatewayCore } from '../../core/context.ts';
import { errorFields } from '../../core/error-fields.ts';
import { sendError } from '../../http/http-errors.ts';
import { KEYS } from '../../store/keys.ts';
import { getUser } from '../../store/users.ts';
import { SESSION_COOKIE, sessionKey } from '../sessions.ts';
import { openDeviceSession, sessionLifetime } from '../sign-in.ts';
import { OidcClient } from './oidc-client.ts';
import { identityFrom } from './sso-claims.ts';
import type { OidcConfig } from './sso-config.ts';
import { accountFor } from './sso-provisioning.ts';

/*
 * Single sign-on, authorization code + PKCE (docs/ARCHITECTURE.md, "Single sign-on"):
 *
 *   app ── GET /api/auth/oidc/start ──► 302 provider /authorize (state, nonce, S256 challenge, acr_values)
 *          sets __Host-relais_sso (binding)      Redis relais:sso:flow:<sha256 state> = verifier, nonce,
 *                                                 sha256(binding), reauth, startedAt   (EX 600)
 *   provider ── 302 GET /api/auth/oidc/callback?code&state&iss
 *          GETDEL the flow (used once: a replay finds nothing) · binding cookie must match (same browser)
 *          code exchange (openid-client checks iss, aud, exp, signature, nonce, PKCE) · acr · userinfo
 *          account (linked / created) · session as a password sign-in · 303 /?sso=1 (&popup=1)
 *   app (SW) ── POST /api/auth/oidc/session ──► the user, once per SSO sign-in (the SW adopts it)
 *
 * The flow's secrets stay in Redis, keyed by the state, rather than in a signed cookie: nothing to
 * sign or rotate, the gateways share it, and single use is one GETDEL. The cookie only binds the
 * flow to the browser that started it (login CSRF: a callback URL made in another browser is refused).
 */

/** The cookie binding a sign-in under way to its browser: Lax, as the provider's redirect back is a cross-site navigation. */
const FLOW_COOKIE = '__Host-relais_sso';
const FLOW_SECONDS = 600;
/** How long after the callback the device may adopt the session (POST /api/auth/oidc/session). */
const ADOPT_SECONDS = 300;
/** A re-authentication (the lock screen) must be this fresh at the provider (`max_age`). */
const REAUTH_MAX_AGE = 300;

interface Flow {
  verifier: string;
  nonce: string;
  binding: string;
  reauth: boolean;
  /** Started from the panel of a clinic page (docs/EMBEDDING.md): the sign-in runs in a window of its own, which closes at the end. */
  popup: boolean;
  startedAt: number;
}

interface SsoSessionRecord {
  idToken: string;
  adopted: boolean;
  /** When the callback opened the session (unix seconds). */
  openedAt: number;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `GET /api/auth/methods`, and with single sign-on configured its routes (`/api/auth/oidc/*`). */
export async function ssoRoutes(app: FastifyInstance, ctx: GatewayCore): Promise<void> {
  const { passwordLogin, oidc } = ctx.config.signIn;
  const methods: AuthMethods = { password: passwordLogin, sso: oidc ? { name: oidc.name } : null };
  app.get('/api/auth/methods', async (_request, reply) => reply.header('cache-control', 'no-store').send(methods));
  if (oidc === null) return;
  const provider = new OidcClient(oidc);
  // Each start writes a flow into Redis: an address gets this many a minute (a shared tablet signs many in).
  const starts = new RateLimiterRedis({ storeClient: ctx.redis, keyPrefix: 'relais:sso:starts', points: 30, duration: 60 });

  /** Back to the sign-in screen, which shows the code in words: never a raw error page. */
  const refuse = async (request: FastifyRequest, reply: FastifyReply, code: ErrorCode, actor: string | null = null, popup = false): Promise<FastifyReply> => {
    await ctx.audit.record({ action: 'auth.sso_failed', actor, target: code, ip: request.ip });
    return reply.code(303).header('cache-control', 'no-store').redirect(`/?sso_error=${code}${popup ? '&popup=1' : ''}`);
  };

  app.get('/api/auth/oidc/start', async (request, reply) => {
    const query = OidcStartQuery.safeParse(request.query);
    if (!query.success) return sendError(reply, 'bad_request');
    try {
      await starts.consume(request.ip);
    } catch (err) {
      if (err instanceof RateLimiterRes) return refuse(request, reply, 'rate_limited');
      throw err;
    }
    let configuration: client.Configuration;
    try {
      configuration = await provider.configuration();
    } catch (err) {
      request.log.warn({ err: errorFields(err) }, 'identity provider discovery failed');
      return refuse(request, reply, 'sso_failed');
    }
    const state = client.randomState();
    const binding = randomBytes(32).toString('base64url');
    const flow: Flow = {
      verifier: client.randomPKCECodeVerifier(),
      nonce: client.randomNonce(),
      binding: sha256(binding),
      reauth: query.data.reauth === '1',
      popup: query.data.popup === '1',
      startedAt: Math.floor(Date.now() / 1000),
    };
    await ctx.redis.set(KEYS.ssoFlow(sha256(state)), JSON.stringify(flow), 'EX', FLOW_SECONDS);
    const parameters: Record<string, string> = {
      redirect_uri: oidc.redirectUrl.href,
      scope: oidc.scopes,
      response_type: 'code',
      state,
      nonce: flow.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
    };
    if (oidc.acrValues.length > 0) parameters.acr_values = oidc.acrValues.join(' ');
    // The lock screen: whoever holds the tablet proves again who they are, whatever session the provider keeps.
    if (flow.reauth) Object.assign(parameters, { prompt: 'login', max_age: String(REAUTH_MAX_AGE) });
    reply.setCookie(FLOW_COOKIE, binding, { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: FLOW_SECONDS });
    return reply.code(302).header('cache-control', 'no-store').redirect(client.buildAuthorizationUrl(configuration, parameters).href);
  });

  app.get('/api/auth/oidc/callback', async (request, reply) => {
    reply.clearCookie(FLOW_COOKIE, { httpOnly: true, secure: true, sameSite: 'lax', path: '/' });
    const query = OidcCallbackQuery.safeParse(request.query);
    if (!query.success || !query.data.state) return refuse(request, reply, 'sso_state_invalid');
    // Used once: a replayed callback (same state, same code) finds nothing here.
    const stored = await ctx.redis.getdel(KEYS.ssoFlow(sha256(query.data.state)));
    const binding = request.cookies[FLOW_COOKIE];
    if (stored === null || !binding) return refuse(request, reply, 'sso_state_invalid');
    const flow = JSON.parse(stored) as Flow;
    if (!sameHash(sha256(binding), flow.binding)) return refuse(request, reply, 'sso_state_invalid');
    // From here on the flow is this browser's: a popup sign-in is told so, to close itself.
    const popup = flow.popup === true;
    const fail = (code: ErrorCode, actor: string | null = null): Promise<FastifyReply> => refuse(request, reply, code, actor, popup);
    if (query.data.error !== undefined) return fail('sso_failed');
    const claims = await exchange(request, oidc, provider, query.data.state, flow);
    if (claims === null) return fail('sso_failed');
    if (oidc.acrValues.length > 0 && !oidc.acrValues.includes(String(claims.idToken.acr ?? ''))) return fail('sso_acr_insufficient');
    if (flow.reauth && Number(claims.idToken.auth_time ?? 0) < flow.startedAt - 30) return fail('sso_failed');
    const identity = identityFrom(claims.all, oidc);
    if (!identity.ok) return fail(identity.code);
    const account = await accountFor(ctx.redis, identity.identity, oidc.provisioning);
    if (!account.ok) return fail(account.code, account.code === 'account_disabled' ? account.userId : null);
    const key = await openDeviceSession(ctx, request, reply, account.user.id);
    if (key === null) return fail('account_disabled', account.user.id);
    const record: SsoSessionRecord = { idToken: claims.idTokenText, adopted: false, openedAt: Math.floor(Date.now() / 1000) };
    await ctx.redis.set(KEYS.ssoSession(key), JSON.stringify(record), 'EX', sessionLifetime(ctx).maxAgeSeconds);
    await ctx.audit.record({ action: 'auth.sso_login', actor: account.user.id, ip: request.ip, ...(account.first ? { detail: account.first } : {}) });
    request.log.info({ userId: account.user.id, event: 'sso_login' }, 'signed in through the identity provider');
    return reply.code(303).header('cache-control', 'no-store').redirect(popup ? '/?sso=1&popup=1' : '/?sso=1');
  });

  // The device adopts the session the callback opened (its service worker opens the user's store):
  // once per SSO sign-in, so no page script can use it to pass the lock screen without the provider.
  app.post('/api/auth/oidc/session', { preHandler: ctx.requireUser }, async (request, reply) => {
    const key = sessionKey(request.cookies[SESSION_COOKIE]) as string;
    const raw = await ctx.redis.get(KEYS.ssoSession(key));
    const record = raw === null ? null : (JSON.parse(raw) as SsoSessionRecord);
    if (record === null || record.adopted || Date.now() / 1000 - record.openedAt > ADOPT_SECONDS) return sendError(reply, 'unauthenticated');
    await ctx.redis.set(KEYS.ssoSession(key), JSON.stringify({ ...record, adopted: true }), 'KEEPTTL');
    const user = await getUser(ctx.redis, request.userId);
    if (user === null) return sendError(reply, 'unauthenticated');
    return { user };
  });

  // RP-initiated logout: the provider's end-session URL for this session (asked before signing out here), or null.
  app.get('/api/auth/oidc/end-session', { preHandler: ctx.requireUser }, async (request) => {
    const key = sessionKey(request.cookies[SESSION_COOKIE]) as string;
    const raw = await ctx.redis.get(KEYS.ssoSession(key));
    if (raw === null) return { url: null };
    let configuration: client.Configuration;
    try {
      configuration = await provider.configuration();
    } catch {
      return { url: null };
    }
    if (!configuration.serverMetadata().end_session_endpoint) return { url: null };
    const { idToken } = JSON.parse(raw) as SsoSessionRecord;
    return {
      url: client.buildEndSessionUrl(configuration, { id_token_hint: idToken, post_logout_redirect_uri: oidc.postLogoutUrl.href }).href,
    };
  });
}

/**
 * The code exchanged at the token endpoint (openid-client checks state, iss, aud, exp, signature,
 * nonce and the PKCE verifier), then the userinfo claims merged under the ID token's. Null when the
 * provider refused or its answers did not check out (logged without their content).
 */
async function exchange(
  request: FastifyRequest,
  oidc: OidcConfig,
  provider: OidcClient,
  state: string,
  flow: Flow,
): Promise<{ idToken: Record<string, unknown>; idTokenText: string; all: Record<string, unknown> } | null> {
  try {
    const configuration = await provider.configuration();
    // The URL the provider redirected to, as configured (not as the Host header says behind a proxy).
    const current = new URL(oidc.redirectUrl.href);
    current.search = new URLSearchParams(request.query as Record<string, string>).toString();
    const tokens = await client.authorizationCodeGrant(configuration, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
      ...(flow.reauth ? { maxAge: REAUTH_MAX_AGE } : {}),
    });
    const idToken = tokens.claims() as Record<string, unknown> | undefined;
    if (!idToken || !tokens.id_token) return null;
    let userinfo: Record<string, unknown> = {};
    if (configuration.serverMetadata().userinfo_endpoint) {
      userinfo = (await client.fetchUserInfo(configuration, tokens.access_token, String(idToken.sub))) as Record<string, unknown>;
    }
    return { idToken, idTokenText: tokens.id_token, all: { ...userinfo, ...idToken } };
  } catch (err) {
    request.log.warn({ err: errorFields(err) }, 'single sign-on refused');
    return null;
  }
}
