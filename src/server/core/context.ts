import type { FastifyBaseLogger } from 'fastify';
import type { AbuseLimits } from '../abuse/abuse-limits.ts';
import type { ClinicSettingsStore } from '../admin/clinic-settings.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RequireUser } from '../auth/require-user.ts';
import type { SessionHints } from '../auth/session-hints.ts';
import type { LiveBus } from '../realtime/live-bus.ts';
import type { PresenceTracker } from '../realtime/presence.ts';
import type { SocketRegistry } from '../realtime/socket-registry.ts';
import type { RedisClient } from '../redis/redis-connection.ts';
import type { CoreConfig } from './core-config.ts';

/**
 * What the gateway's core lends every feature: its settings, Redis, the live bus between gateways,
 * who is connected (here and anywhere), and the signed-in check. It knows no feature: features
 * (messaging, calls, push…) register on it (core/feature.ts), and gateway.ts assembles them.
 */
export interface GatewayCore {
  config: CoreConfig;
  redis: RedisClient;
  log: FastifyBaseLogger;
  /** Live events between gateways; `live.onAppended` lets a feature hear every appended change. */
  live: LiveBus;
  /** The sockets open on this gateway. */
  sockets: SocketRegistry;
  /** Who is connected on any gateway (contacts' presence, push's "no push for a live socket"). */
  presence: PresenceTracker;
  /** Session key → user id last verified on this gateway (see auth/session-hints.ts). */
  sessionHints: SessionHints;
  /** The preHandler of every signed-in route. */
  requireUser: RequireUser;
  /** Abuse limits every route and frame that costs others something consults. */
  limits: AbuseLimits;
  /** The tamper-evident audit trail (audit/audit-log.ts): who accessed and changed what, never content. */
  audit: AuditLog;
  /** The clinic's settings (admin/clinic-settings.ts), read again from the store every few seconds. */
  settings: ClinicSettingsStore;
}
