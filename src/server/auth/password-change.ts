import { announceSessionsEnded } from '../realtime/live-bus.ts';
import type { RedisClient } from '../redis/redis-connection.ts';
import { setPasswordHash } from '../store/users.ts';
import { hashPassword, PASSWORD_PARAMS, type ScryptParams } from './password.ts';
import { revokeUserSessions } from './sessions.ts';

/**
 * Sets a user's password, then ends every session of theirs and announces it on the live bus, so
 * their sockets close on every gateway: whoever held the old password holds nothing any more.
 * Answers how many sessions ended.
 */
export async function changePassword(redis: RedisClient, userId: string, password: string, params: ScryptParams = PASSWORD_PARAMS): Promise<number> {
  await setPasswordHash(redis, userId, await hashPassword(password, params));
  const ended = await revokeUserSessions(redis, userId);
  await announceSessionsEnded(redis, ended);
  return ended.length;
}
