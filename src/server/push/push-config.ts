/** Web Push settings, read from the environment (README, "Configuration"). */
export interface PushConfig {
  /** VAPID_SUBJECT: the operator's contact given to push services (`mailto:` or `https:`). */
  subject: string;
  /** RELAIS_ESCALATION_TICK_SECONDS: how often a gateway looks for due urgent reminders. */
  escalationTickSeconds: number;
}

/** Reads the push settings from `env`. */
export function loadPushConfig(env: NodeJS.ProcessEnv = process.env): PushConfig {
  const subject = env.VAPID_SUBJECT || 'mailto:admin@relais.invalid';
  if (!/^(mailto:|https:\/\/)/.test(subject)) throw new Error('VAPID_SUBJECT must be a mailto: or https: URL');
  const tick = Number(env.RELAIS_ESCALATION_TICK_SECONDS || 15);
  if (!Number.isFinite(tick) || tick <= 0) throw new Error('RELAIS_ESCALATION_TICK_SECONDS must be a positive number');
  return { subject, escalationTickSeconds: tick };
}
