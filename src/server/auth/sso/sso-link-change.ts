import type { RedisClient as Redis } from '../../redis/redis-connection.ts';
import { announceSessionsEnded } from '../../realtime/live-bus.ts';
import { KEYS } from '../../store/keys.ts';
import { linkAccount, linkedAccount, linkedIdentifier, unlinkAccount } from '../../store/sso-links.ts';
import { getUser } from '../../store/users.ts';
import { revokeSessions } from '../sessions.ts';

/**
 * An admin links an account to a person's identifier at the identity provider, or unlinks it: the
 * admin console (`PUT/DELETE /api/admin/users/:id/sso-link`) and `npm run user:link-sso` both come
 * here. When the account's identifier changes or goes, the sessions the old identifier opened
 * (single sign-on, `relais:sso:session:*`) end on every gateway: a link made by mistake lets the
 * wrong person in no longer, and `link-only` refuses their next sign-in. Sessions opened with the
 * password stay. The devices are not wiped (their outbox waits for the next sign-in).
 */

export type LinkChange =
  | { ok: true; before: string | null; after: string | null; endedSessions: number }
  /** `bad_request`: a patient's account (a patient never signs in through the staff's provider). */
  | { ok: false; code: 'user_not_found' | 'sso_identifier_taken' | 'bad_request' };

/** Links the account to `identifier`, or unlinks it (`null`); nothing changes when it is linked so already. */
export async function changeSsoLink(redis: Redis, userId: string, identifier: string | null): Promise<LinkChange> {
  const user = await getUser(redis, userId);
  if (user === null) return { ok: false, code: 'user_not_found' };
  const before = await linkedIdentifier(redis, userId);
  if (identifier === null) {
    await unlinkAccount(redis, userId);
  } else if (identifier !== before) {
    if (user.role === 'patient') return { ok: false, code: 'bad_request' };
    const owner = await linkedAccount(redis, identifier);
    if (owner !== null && owner !== userId) return { ok: false, code: 'sso_identifier_taken' };
    // False here: another link took the identifier meanwhile, or the account was deleted.
    if (!(await linkAccount(redis, userId, identifier))) {
      return (await getUser(redis, userId)) === null ? { ok: false, code: 'user_not_found' } : { ok: false, code: 'sso_identifier_taken' };
    }
  }
  const endedSessions = before !== null && before !== identifier ? await endSsoSessions(redis, userId) : 0;
  return { ok: true, before, after: identifier, endedSessions };
}

/** Ends the account's sessions that single sign-on opened, closing their sockets on every gateway; answers how many. */
async function endSsoSessions(redis: Redis, userId: string): Promise<number> {
  const keys = await redis.zrange(KEYS.userSessions(userId), '0', '-1');
  const opened: string[] = [];
  for (const key of keys) if ((await redis.exists(KEYS.ssoSession(key))) === 1) opened.push(key);
  if (opened.length === 0) return 0;
  const ended = await revokeSessions(redis, opened);
  for (const key of opened) await redis.del(KEYS.ssoSession(key));
  await announceSessionsEnded(redis, ended);
  return ended.length;
}
