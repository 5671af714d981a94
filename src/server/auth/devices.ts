import { hash } from 'node:crypto';
import type { Device } from '../../shared/http.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { KEYS } from '../store/keys.ts';
import { liveSessions, revokeSessions } from './sessions.ts';

/**
 * A user's devices: their live sessions, each with what the browser said of itself at sign-in. The
 * public id of a device is a digest of its session key (the key itself stays on the server).
 */

/** The public id of the device signed in with this session key. */
/** The shape of a device id (24 hex digits). */
export const DEVICE_ID = /^[0-9a-f]{24}$/;

export function deviceId(sessionKey: string): string {
  return hash('sha256', `device:${sessionKey}`, 'hex').slice(0, 24);
}

/** "Chrome · Android" from a User-Agent: enough for a person to recognise their tablet, no more kept. */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : null;
  const system = /Android/.test(ua) ? 'Android' : /iPad/.test(ua) ? 'iPad' : /iPhone/.test(ua) ? 'iPhone' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : null;
  return [browser ?? 'Navigateur', system].filter(Boolean).join(' · ');
}

/** Notes the device of a new session (kept as long as a session can live), forgetting those of ended sessions. */
export async function rememberDevice(redis: Redis, userId: string, sessionKey: string, label: string, maxAgeSeconds: number): Promise<void> {
  await liveDevices(redis, userId, true);
  const key = KEYS.userDevices(userId);
  await redis.multi().hset(key, sessionKey, JSON.stringify({ label, signedInAt: Date.now() })).expire(key, maxAgeSeconds).exec();
}

/** The user's live sessions and their devices; `prune` forgets the devices of sessions that ended. */
async function liveDevices(redis: Redis, userId: string, prune = false): Promise<Map<string, { label: string; signedInAt: number }>> {
  const noted = await redis.hgetall(KEYS.userDevices(userId));
  const keys = Object.keys(noted);
  const live = await liveSessions(redis, keys);
  const gone = keys.filter((key) => !live.has(key));
  if (prune && gone.length > 0) await redis.hdel(KEYS.userDevices(userId), ...gone);
  return new Map(keys.filter((key) => live.has(key)).map((key) => [key, JSON.parse(noted[key] as string) as { label: string; signedInAt: number }]));
}

/** The devices signed in as this user, newest first; `current` marks the one asking. */
export async function listDevices(redis: Redis, userId: string, currentKey: string | null): Promise<Device[]> {
  const devices = await liveDevices(redis, userId);
  return [...devices]
    .map(([key, device]) => ({ id: deviceId(key), label: device.label, signedInAt: device.signedInAt, current: key === currentKey }))
    .sort((a, b) => b.signedInAt - a.signedInAt);
}

/** Signs out the user's devices `which` picks; answers the session keys that ended. */
export async function signOutDevices(redis: Redis, userId: string, which: (key: string) => boolean): Promise<string[]> {
  const keys = [...(await liveDevices(redis, userId)).keys()].filter(which);
  if (keys.length === 0) return [];
  const ended = await revokeSessions(redis, keys, 'device_revoked');
  await redis.hdel(KEYS.userDevices(userId), ...keys);
  return ended;
}
