import webpush from 'web-push';
import type { RedisClient } from '../redis/redis-connection.ts';
import { PUSH_KEYS } from './keys.ts';

/** The VAPID identity this deployment signs its pushes with (RFC 8292). */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

function parse(raw: string | null): VapidKeys | null {
  if (raw === null) return null;
  try {
    const keys = JSON.parse(raw) as Partial<VapidKeys>;
    return typeof keys.publicKey === 'string' && typeof keys.privateKey === 'string'
      ? { publicKey: keys.publicKey, privateKey: keys.privateKey }
      : null;
  } catch {
    return null;
  }
}

/**
 * The VAPID keys kept in Redis; the first gateway to start generates them (SET NX, so gateways
 * starting together agree on one pair). Every subscription is bound to this public key: changing it
 * would orphan every device's subscription.
 */
export async function loadVapidKeys(redis: RedisClient): Promise<VapidKeys> {
  const existing = parse(await redis.get(PUSH_KEYS.vapid));
  if (existing) return existing;
  const generated = webpush.generateVAPIDKeys();
  await redis.set(PUSH_KEYS.vapid, JSON.stringify(generated), 'NX');
  const kept = parse(await redis.get(PUSH_KEYS.vapid));
  if (!kept) throw new Error('VAPID keys could not be stored');
  return kept;
}
