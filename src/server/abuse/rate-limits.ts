/**
 * The abuse limits: how often one user (on every gateway together) and one socket may do each thing
 * that costs others something — wakes their tablets, rings them, fans out to their sockets, fills
 * the disk. Each is generous for a human and stops a script. Fixed windows (rate-limiter-flexible):
 * `points` actions per `seconds`; `points: 0` is no limit. docs/ARCHITECTURE.md has the table.
 */

export const LIMITED_ACTIONS = ['message', 'urgent', 'upload', 'typing', 'presence', 'callInvite', 'export', 'careTeamLookup', 'urgentList'] as const;
export type LimitedAction = (typeof LIMITED_ACTIONS)[number];

/** `points` actions per window of `seconds`. */
export interface Allowance {
  points: number;
  seconds: number;
}

/** A user's allowance (every gateway together, in Redis); a socket's own (in memory) for frames. */
export interface ActionLimit {
  user: Allowance;
  socket?: Allowance;
}

export type RateLimits = Record<LimitedAction, ActionLimit>;

export const DEFAULT_RATE_LIMITS: RateLimits = {
  /**
   * `message.send` items: each may wake every offline member's tablet. A burst of 20 passes with
   * room to spare; an outbox of 100 messages written offline leaves 60 at once, the rest a minute later.
   */
  message: { user: { points: 60, seconds: 60 } },
  /** Urgent flags: each pushes to every member whatever their settings, then 10 reminders. */
  urgent: { user: { points: 5, seconds: 60 } },
  /** Uploads (4 files per message at most): each writes up to 15 MB to the gateway's disk. */
  upload: { user: { points: 20, seconds: 60 } },
  /** Typing frames: the composer sends one per 3 s; each costs a membership check and a publish. */
  typing: { socket: { points: 10, seconds: 10 }, user: { points: 20, seconds: 10 } },
  /** Presence frames (tab shown or hidden): each change is announced to every contact. */
  presence: { socket: { points: 20, seconds: 60 }, user: { points: 60, seconds: 60 } },
  /** Call invites: each rings every device of the callee, through push too. */
  callInvite: { socket: { points: 5, seconds: 60 }, user: { points: 10, seconds: 60 } },
  /**
   * Exports to the patient record (`GET /api/conversations/:id/export/fhir`): each reads the whole
   * log and up to 16 MB of files into one answer. A clinician exports a conversation now and then.
   */
  export: { user: { points: 6, seconds: 60 } },
  /**
   * Care-team lookups by INS (`GET /api/patients/care-team`): a clinic page asks once per patient
   * record opened. Each answers whether an INS is a patient's: a script must not walk the INS space.
   */
  careTeamLookup: { user: { points: 30, seconds: 60 } },
  /**
   * The sender's list of urgent messages still unanswered (`GET /api/urgent/open`): read when the
   * *Urgentes* filter opens; each costs a few Redis round trips per listed message and recipient.
   */
  urgentList: { user: { points: 30, seconds: 60 } },
};

/** Every allowance's points multiplied by `scale` (0: no limit at all). */
export function scaleRateLimits(limits: RateLimits, scale: number): RateLimits {
  const times = (allowance: Allowance): Allowance => ({ ...allowance, points: Math.ceil(allowance.points * scale) });
  const scaled = {} as RateLimits;
  for (const action of LIMITED_ACTIONS) {
    const { user, socket } = limits[action];
    scaled[action] = { user: times(user), ...(socket ? { socket: times(socket) } : {}) };
  }
  return scaled;
}

/**
 * The limits from `RELAIS_RATE_LIMIT_SCALE` (default 1): a factor on every allowance, e.g. 1000 for a
 * load test that must measure the limiter without being stopped by it, 0 to turn them off.
 */
export function loadRateLimits(env: NodeJS.ProcessEnv = process.env): RateLimits {
  const raw = env.RELAIS_RATE_LIMIT_SCALE;
  const scale = raw === undefined || raw === '' ? 1 : Number(raw);
  if (!Number.isFinite(scale) || scale < 0) throw new Error('RELAIS_RATE_LIMIT_SCALE must be a non-negative number');
  return scaleRateLimits(DEFAULT_RATE_LIMITS, scale);
}
