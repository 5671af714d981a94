import { loadCallsConfig, type CallsConfig } from './calls/calls-config.ts';
import { loadCoreConfig, type CoreConfig } from './core/core-config.ts';
import { loadMessagingConfig, type MessagingConfig } from './messaging/messaging-config.ts';
import { loadMetricsConfig, type MetricsConfig } from './metrics/metrics-config.ts';
import { loadPushConfig } from './push/push-config.ts';
import type { PushServiceOptions } from './push/index.ts';
import { loadOncallConfig, type OncallOptions } from './oncall/oncall-feature.ts';

/**
 * The whole gateway's configuration, read once from the environment: the core's settings and each
 * feature's own (their types live with the features; only this composition root sees them all).
 */
export interface GatewayConfig extends CoreConfig, MessagingConfig {
  /** Video calls: ring timeout, heartbeat, STUN/TURN (RELAIS_CALL_*, RELAIS_STUN_*, RELAIS_TURN_*). */
  calls?: CallsConfig;
  /** Web Push: VAPID_SUBJECT, escalation tick; tests also inject the transport and clock here. */
  push?: PushServiceOptions;
  /** Function roles, the on-call rota and escalation ladders (RELAIS_LADDER_TICK_SECONDS); tests inject the clock here (who holds a function depends on it). */
  oncall?: OncallOptions;
  /** Operators' metrics: METRICS_TOKEN, RELAIS_METRICS_REDIS_SAMPLE (unset: loopback only, 10 % sampled). */
  metrics?: MetricsConfig;
}

/** Reads the configuration from `env` (defaults suit `npm start` on a clinic machine). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return {
    ...loadCoreConfig(env),
    ...loadMessagingConfig(env),
    calls: loadCallsConfig(env),
    push: { config: loadPushConfig(env) },
    metrics: loadMetricsConfig(env),
    oncall: loadOncallConfig(env),
  };
}
