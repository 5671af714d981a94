/** Call settings, read from the environment (README, "Configuration"). */
export interface CallsConfig {
  /** RELAIS_CALL_RING_SECONDS: an unanswered invite ends as missed after this long (server time). */
  ringSeconds: number;
  /** RELAIS_CALL_ACK_SECONDS: no callee device rang by then ⇒ unavailable. */
  ackSeconds: number;
  /** RELAIS_CALL_HEARTBEAT_SECONDS: a party silent this long during a call has vanished ⇒ failed. */
  heartbeatTimeoutSeconds: number;
  /** RELAIS_STUN_URLS: comma-separated `stun:` URLs; none by default (clinic LAN). */
  stunUrls: string[];
  /** RELAIS_TURN_URLS: comma-separated `turn:`/`turns:` URLs. */
  turnUrls: string[];
  /** RELAIS_TURN_SECRET: coturn's `static-auth-secret` (use-auth-secret); TURN is offered only with it. */
  turnSecret: string | undefined;
  /** RELAIS_TURN_TTL_SECONDS: lifetime of the TURN credentials handed out. */
  turnTtlSeconds: number;
}

function seconds(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number of seconds`);
  return n;
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');

/** Reads the call settings from `env`. */
export function loadCallsConfig(env: NodeJS.ProcessEnv = process.env): CallsConfig {
  return {
    ringSeconds: seconds(env.RELAIS_CALL_RING_SECONDS, 45, 'RELAIS_CALL_RING_SECONDS'),
    ackSeconds: seconds(env.RELAIS_CALL_ACK_SECONDS, 5, 'RELAIS_CALL_ACK_SECONDS'),
    heartbeatTimeoutSeconds: seconds(env.RELAIS_CALL_HEARTBEAT_SECONDS, 20, 'RELAIS_CALL_HEARTBEAT_SECONDS'),
    stunUrls: list(env.RELAIS_STUN_URLS),
    turnUrls: list(env.RELAIS_TURN_URLS),
    turnSecret: env.RELAIS_TURN_SECRET || undefined,
    turnTtlSeconds: seconds(env.RELAIS_TURN_TTL_SECONDS, 3600, 'RELAIS_TURN_TTL_SECONDS'),
  };
}
