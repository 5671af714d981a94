/** The operators' metrics settings, read from the environment (docs/DEPLOYMENT.md, "Metrics"). */
export interface MetricsConfig {
  /**
   * METRICS_TOKEN: what a scraper that is not on this machine sends as `Authorization: Bearer …`;
   * null: `/metrics` answers loopback callers only.
   */
  token: string | null;
  /**
   * RELAIS_METRICS_REDIS_SAMPLE: the share of the time (0–1) during which Redis commands are timed.
   * Timing costs ~2 µs of gateway CPU per command (ioredis's tracing channel), so by default only
   * one second in ten is timed.
   */
  redisTimingShare: number;
}

/** A shorter token could be guessed from the network; any printable secret of this length or more. */
export const METRICS_TOKEN_MIN_LENGTH = 16;

/** Reads the metrics settings from `env`; a token too short, or a share outside 0–1, stops the start. */
export function loadMetricsConfig(env: NodeJS.ProcessEnv = process.env): MetricsConfig {
  const token = (env.METRICS_TOKEN ?? '').trim();
  if (token !== '' && token.length < METRICS_TOKEN_MIN_LENGTH) {
    throw new Error(`METRICS_TOKEN must be at least ${METRICS_TOKEN_MIN_LENGTH} characters (e.g. openssl rand -hex 24)`);
  }
  const shareText = (env.RELAIS_METRICS_REDIS_SAMPLE ?? '').trim();
  const share = shareText === '' ? 0.1 : Number(shareText);
  if (!Number.isFinite(share) || share < 0 || share > 1) throw new Error('RELAIS_METRICS_REDIS_SAMPLE must be a number from 0 to 1');
  return { token: token === '' ? null : token, redisTimingShare: share };
}

/** What a gateway built without a configuration of its metrics uses. */
export const DEFAULT_METRICS_CONFIG: MetricsConfig = { token: null, redisTimingShare: 0.1 };
