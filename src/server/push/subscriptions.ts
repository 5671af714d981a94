import { createHash } from 'node:crypto';
import type { PushSubscriptionJson } from '../../shared/push.ts';
import type { RedisClient } from '../redis/redis-connection.ts';
import { PUSH_KEYS } from './keys.ts';

/** One device's Web Push subscription, as stored. */
export interface StoredSubscription {
  deviceId: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  createdAt: number;
}

/** A user keeps at most this many subscriptions (devices); the oldest goes first. */
export const SUBSCRIPTIONS_MAX = 20;

const fieldOf = (endpoint: string): string => createHash('sha256').update(endpoint).digest('base64url');

/** The user's subscriptions (unparseable rows are skipped). */
export async function listSubscriptions(redis: RedisClient, userId: string): Promise<StoredSubscription[]> {
  const rows = await redis.hvals(PUSH_KEYS.subscriptions(userId));
  const subscriptions: StoredSubscription[] = [];
  for (const row of rows) {
    try {
      subscriptions.push(JSON.parse(row) as StoredSubscription);
    } catch {
      // a corrupt row only costs that device its pushes
    }
  }
  return subscriptions;
}

/**
 * Stores the device's subscription, replacing any other one of the same device (a browser gives a
 * new endpoint after a resubscribe) and the same endpoint under another user (a shared tablet).
 */
export async function saveSubscription(
  redis: RedisClient,
  userId: string,
  deviceId: string,
  subscription: PushSubscriptionJson,
  now: number,
): Promise<void> {
  const existing = await listSubscriptions(redis, userId);
  const stale = existing.filter((s) => s.deviceId === deviceId && s.endpoint !== subscription.endpoint);
  const kept = existing.filter((s) => s.deviceId !== deviceId).sort((a, b) => a.createdAt - b.createdAt);
  const overflow = kept.slice(0, Math.max(0, kept.length - (SUBSCRIPTIONS_MAX - 1)));
  const doomed = [...stale, ...overflow].map((s) => fieldOf(s.endpoint));
  const row: StoredSubscription = { deviceId, endpoint: subscription.endpoint, keys: subscription.keys, createdAt: now };
  const key = PUSH_KEYS.subscriptions(userId);
  if (doomed.length > 0) await redis.hdel(key, ...doomed);
  const field = fieldOf(subscription.endpoint);
  // The same browser profile signed in as someone else before: that user's pushes must stop here.
  const previousOwner = await redis.get(PUSH_KEYS.endpointOwner(field));
  if (previousOwner !== null && previousOwner !== userId) await redis.hdel(PUSH_KEYS.subscriptions(previousOwner), field);
  await redis.set(PUSH_KEYS.endpointOwner(field), userId);
  await redis.hset(key, field, JSON.stringify(row));
}

/** Removes one subscription by endpoint; resolves true when it existed. */
export async function removeSubscription(redis: RedisClient, userId: string, endpoint: string): Promise<boolean> {
  return (await redis.hdel(PUSH_KEYS.subscriptions(userId), fieldOf(endpoint))) === 1;
}

/** Removes every subscription of a device; resolves with how many there were. */
export async function removeDeviceSubscriptions(redis: RedisClient, userId: string, deviceId: string): Promise<number> {
  const doomed = (await listSubscriptions(redis, userId)).filter((s) => s.deviceId === deviceId).map((s) => fieldOf(s.endpoint));
  if (doomed.length === 0) return 0;
  return redis.hdel(PUSH_KEYS.subscriptions(userId), ...doomed);
}
