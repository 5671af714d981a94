import { announceSessionsEnded } from '../realtime/live-bus.ts';
import type { RedisClient } from '../redis/redis-connection.ts';
import { setPasswordHash } from '../store/users.ts';
import { hashPassword, PASSWORD_PARAMS, type ScryptParams } from './password.ts';
import { revokeUserSessions } from './sessions.ts';

/**
 * Sets a user's password, then ends every session of theirs (but `current`'s) and announces it on the
 * live bus, so their sockets close on every gateway: whoever held the old password holds nothing any
 * more. Answers how many sessions ended.
 */
export async function changePassword(
  redis: RedisClient,
  userId: string,
  password: string,
  params: ScryptParams = PASSWORD_PARAMS,
  /**
   * The session key of the device changing it: it stays signed in, its socket open. (Replacing its
   * session raced with its own requests: one sent with the old cookie while the answer was on its
   * way got 401 and signed the device out.)
   */
  current?: string,
): Promise<number> {
  await setPasswordHash(redis, userId, await hashPassword(password, params));
  // The other devices wipe their store at their next contact: the old password opened them.
  const ended = await revokeUserSessions(redis, userId, 'device_revoked', current);
  await announceSessionsEnded(redis, ended);
  return ended.length;
}
