import { createHmac } from 'node:crypto';
import type { IceServersReply } from '../../shared/calls.ts';
import type { CallsConfig } from './calls-config.ts';

/**
 * TURN REST credentials as coturn checks them with `use-auth-secret`: the username is
 * `<expiry unix seconds>:<userId>` and the password base64(HMAC-SHA1(secret, username)), so the
 * TURN server needs no user database and a leaked credential dies at its expiry.
 */
export function turnCredentials(secret: string, userId: string, expiresAtSeconds: number): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:${userId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** The ICE servers for `userId` at `now` (ms): STUN as configured, TURN only with a secret. */
export function iceServersFor(config: CallsConfig, userId: string, now: number): IceServersReply {
  const iceServers: IceServersReply['iceServers'] = [];
  if (config.stunUrls.length > 0) iceServers.push({ urls: config.stunUrls });
  let expiresAt: number | null = null;
  if (config.turnUrls.length > 0 && config.turnSecret) {
    const expirySeconds = Math.floor(now / 1000) + Math.round(config.turnTtlSeconds);
    iceServers.push({ urls: config.turnUrls, ...turnCredentials(config.turnSecret, userId, expirySeconds) });
    expiresAt = expirySeconds * 1000;
  }
  return { iceServers, expiresAt };
}
