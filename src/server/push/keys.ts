/**
 * Redis keys of Web Push. Per-user keys carry the user's hash tag `{u:<id>}`; the escalation queue
 * and its lock share `{push}` so the scheduler's commands touch one slot on Redis Cluster.
 */
export const PUSH_KEYS = {
  /** The gateway's VAPID key pair (JSON), created once by the first gateway that starts. */
  vapid: 'relais:push:vapid',
  /** Hash: sha-256(endpoint) → subscription JSON. */
  subscriptions: (userId: string) => `{u:${userId}}:push`,
  /** Which user an endpoint (by its hash) belongs to now. */
  endpointOwner: (field: string) => `relais:push:endpoint:${field}`,
  /** The user's notification preferences (JSON). */
  preferences: (userId: string) => `{u:${userId}}:prefs`,
  /** Sorted set: escalation (JSON) → when it is due (ms). */
  escalations: '{push}:escalations',
  escalationLock: '{push}:escalations:lock',
} as const;
