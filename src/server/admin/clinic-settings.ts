import type { ClinicSettings } from '../../shared/admin-http.ts';
import { ClinicSettings as ClinicSettingsSchema } from '../../shared/admin-http.ts';
import type { CoreConfig } from '../core/core-config.ts';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { EDIT_WINDOW_DEFAULT_MINUTES } from '../../shared/mutations.ts';

/**
 * The clinic's settings (admin console, `PUT /api/admin/settings`): one JSON value in Redis,
 * `relais:settings`, holding what an admin set; until then the gateway's configuration and the code's
 * defaults apply. Every gateway reads it again every REFRESH_MS (and at once after its own PUT), so a
 * change applies everywhere within that time, without a message that pub/sub could lose:
 *
 *   sessions     idle and absolute lifetimes of sessions opened and renewed from then on
 *   urgent       reminders of urgent messages queued from then on (every N minutes, M times)
 *   audit        the daily trim keeps that many days
 *   patients     who may be in a conversation that includes a patient: read by the policy at each
 *                creation or addition (policy/mutation-policy.ts)
 *   edits        how long after sending its author may edit a message: read from the store by each
 *                `message.edit` (editWindowMs), so every gateway applies the same window at once
 */

export const SETTINGS_KEY = 'relais:settings';
const REFRESH_MS = 2_000;

/** The urgent reminders' defaults (push/escalation.ts): every 2 minutes, 10 times. */
const URGENT_DEFAULTS = { urgentReminderMinutes: 2, urgentReminderCount: 10 };

/** What an admin set, read from the store; an unreadable value counts as nothing set. */
export async function readClinicSettings(redis: Redis): Promise<Partial<ClinicSettings>> {
  const raw = await redis.get(SETTINGS_KEY);
  if (raw === null) return {};
  try {
    const parsed = ClinicSettingsSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** How long after sending its author may edit a message (ms), as the store holds it now. */
export async function editWindowMs(redis: Redis): Promise<number> {
  return ((await readClinicSettings(redis)).editWindowMinutes ?? EDIT_WINDOW_DEFAULT_MINUTES) * 60_000;
}

/** One gateway's view of the settings: synchronous reads of the last value read. */
export class ClinicSettingsStore {
  readonly #redis: Redis;
  readonly #config: CoreConfig;
  #set: Partial<ClinicSettings> = {};
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(redis: Redis, config: CoreConfig) {
    this.#redis = redis;
    this.#config = config;
  }

  /** The settings in force, the unset ones from the configuration (rounded to the API's units). */
  current(): ClinicSettings {
    const config = this.#config;
    return {
      auditDays: Math.min(3650, Math.max(30, config.auditDays)),
      ...URGENT_DEFAULTS,
      sessionIdleMinutes: Math.max(5, Math.round(config.sessionTtlSeconds / 60)),
      sessionMaxHours: Math.max(1, Math.round(config.sessionMaxAgeSeconds / 3600)),
      patientConversations: 'staff',
      editWindowMinutes: EDIT_WINDOW_DEFAULT_MINUTES,
      ...this.#set,
    };
  }

  /** Sliding session lifetime, seconds. */
  sessionTtlSeconds(): number {
    return this.#set.sessionIdleMinutes === undefined ? this.#config.sessionTtlSeconds : this.#set.sessionIdleMinutes * 60;
  }

  /** Absolute session lifetime, seconds. */
  sessionMaxAgeSeconds(): number {
    return this.#set.sessionMaxHours === undefined ? this.#config.sessionMaxAgeSeconds : this.#set.sessionMaxHours * 3600;
  }

  auditDays(): number {
    return this.#set.auditDays ?? this.#config.auditDays;
  }

  /** Between urgent reminders (ms) and how many at most. */
  urgentReminders(): { intervalMs: number; maxReminders: number } {
    const { urgentReminderMinutes, urgentReminderCount } = { ...URGENT_DEFAULTS, ...this.#set };
    return { intervalMs: urgentReminderMinutes * 60_000, maxReminders: urgentReminderCount };
  }

  /** Reads the store again. */
  async refresh(): Promise<void> {
    this.#set = await readClinicSettings(this.#redis);
  }

  /** Stores a whole new set of settings and applies it here at once (the other gateways at their next refresh). */
  async save(settings: ClinicSettings): Promise<void> {
    await this.#redis.set(SETTINGS_KEY, JSON.stringify(settings));
    this.#set = settings;
  }

  /** Reads now, then every REFRESH_MS; a failed read keeps the last value. */
  async start(log: { warn(details: object, text: string): void }): Promise<void> {
    await this.refresh().catch(() => undefined);
    this.#timer = setInterval(() => {
      this.refresh().catch((err: unknown) => log.warn({ err: String(err) }, 'clinic settings refresh failed'));
    }, REFRESH_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
