import { createHash } from 'node:crypto';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { execOrThrow } from '../store/feed.ts';
import { defineScript } from '../store/lua/define-script.ts';

/**
 * The audit trail (an access log in the CNIL's sense): who did what to what, when, from where —
 * never message text, file content or names typed in a search. Append-only, one Redis stream, each
 * entry carrying the SHA-256 of the previous one (`prev`) and its own (`hash`), so an entry altered,
 * removed or inserted behind the gateway's back breaks the chain at that point; `npm run audit:verify`
 * (audit-verify.ts) walks it. Kept `RELAIS_AUDIT_DAYS` (365 by default): trimming moves the anchor
 * (the `prev` the oldest kept entry must carry), so a trimmed chain still verifies.
 *
 * Entries go through an inbox and are sealed into the chain in batches (AuditLog below): the order
 * of the log stream is the order of the chain.
 */

/** What an entry says. `actor` is a user id (null: nobody signed in, e.g. a failed login). */
export interface AuditEvent {
  action: AuditAction;
  actor: string | null;
  /** What was acted on: a user id, a conversation id, an attachment id, a username tried. */
  target?: string;
  conversationId?: string;
  /** The conversation's patient (national identifier), when it is about one. */
  patientId?: string;
  /** The client address, for sign-in events. */
  ip?: string;
  /** Ids only: members added or removed. */
  userIds?: string[];
  /**
   * What changed, in field names and role names only, never a value someone typed:
   * `displayName,service` (admin.user_updated), `nurse>doctor` (admin.role_changed).
   */
  detail?: string;
}

export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.password_changed',
  'session.revoked',
  'conversation.created',
  'conversation.opened',
  'conversation.members_added',
  'conversation.member_removed',
  'conversation.left',
  'conversation.deleted',
  'conversation.exported',
  /** A recipient acknowledged an urgent message (`target`: its id; `detail`: `ack` or `claim`): who took it on, and when. */
  'message.acknowledged',
  /** Its author edited (`target`: the message's id) or withdrew a message: ids only, never its text. */
  'message.edited',
  'message.redacted',
  'attachment.downloaded',
  'admin.user_disabled',
  'admin.user_enabled',
  'admin.user_created',
  'admin.password_reset',
  'admin.user_updated',
  'admin.role_changed',
  'admin.user_deleted',
  'admin.settings_changed',
  'auth.activated',
  'auth.2fa_enabled',
  'auth.2fa_disabled',
  'auth.recovery_code_used',
  'audit.exported',
  'admin.care_team_changed',
  /** Signed in through the identity provider (single sign-on); `detail`: `created` or `linked` at first sign-in. */
  'auth.sso_login',
  /** A single sign-on refused; `target`: its error code (never a claim's value). */
  'auth.sso_failed',
  /**
   * An admin linked the account (`target`) to an identifier at the identity provider (the identifier
   * is not logged); `detail`: `replaced` when it had another, `cli` from `npm run user:link-sso` (no actor).
   */
  'account.sso_linked',
  /** An admin removed the account's (`target`) link; `detail`: `cli` from the command line (no actor). */
  'account.sso_unlinked',
  /** Function roles (oncall/): `target` the function id, `detail` its name (created, deleted) or the field names changed. */
  'function.created',
  'function.updated',
  'function.deleted',
  /** A function's pattern or overrides changed by an admin; `detail` what (`pattern`, `override.added`, `override.removed`), `userIds` the holders named. */
  'rota.changed',
  /** A holder (or an admin) handed a function over; `target` the function, `userIds` [from, to], `detail` `until=<ms>`. */
  'function.handover',
  /** An admin replaced a function's escalation ladder (`target`); `detail` its steps' minutes, `userIds` the staff named. */
  'ladder.changed',
  /**
   * A step of a function's escalation ladder alerted someone about an urgent message nobody answered:
   * `target` the function, `conversationId`, `userIds` [the person alerted], `detail` `step=<n>` (ids only).
   */
  'urgent.escalated',
  /** At a handover or an override, an open urgent conversation of a function (`target`) passed on: `userIds` [from, to]. */
  'urgent.passed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A stored entry: the event, when, and its place in the chain. */
export interface AuditEntry extends AuditEvent {
  id: string;
  at: number;
  prev: string;
  hash: string;
}

export const AUDIT_KEYS = {
  log: 'relais:{audit}:log',
  /** The hash of the newest entry: what the next one must carry as `prev`. */
  head: 'relais:{audit}:head',
  /** The `prev` the oldest kept entry carries (moved by trimming); absent: the genesis value. */
  anchor: 'relais:{audit}:anchor',
  /** Entries recorded and not chained yet (for milliseconds, see AuditLog): `body` only. */
  inbox: 'relais:{audit}:inbox',
} as const;

/** The `prev` of the very first entry. */
export const GENESIS = '0'.repeat(64);

/** SHA-256 over the previous hash and the entry's canonical JSON (fixed key order, no hash field). */
export function entryHash(prev: string, body: string): string {
  return createHash('sha256').update(prev).update('\n').update(body).digest('hex');
}

/** The canonical JSON of an event at a time: the bytes the hash covers (key order fixed here). */
export function canonicalBody(event: AuditEvent, at: number): string {
  const { action, actor, target, conversationId, patientId, ip, userIds, detail } = event;
  return JSON.stringify({ at, action, actor, target, conversationId, patientId, ip, userIds, detail });
}

/**
 * KEYS: log, head, inbox. ARGV: expected head ('' for none), then an inbox id, a hash, a body and a
 * prev per entry, in chain order (each entry's prev is the hash before it). Moves those entries from
 * the inbox to the log, chained, and the head to the last — unless the head moved or the inbox does
 * not start with them any more (another gateway sealed meanwhile): then answers 'moved'.
 */
const SEAL = defineScript({
  keys: ['log', 'head', 'inbox'],
  argv: ['expected'],
  body: `
local current = redis.call('GET', head) or ''
if current ~= expected then return 'moved' end
local first = redis.call('XRANGE', inbox, '-', '+', 'COUNT', 1)[1]
if first == nil or first[1] ~= ARGV[2] then return 'moved' end
for i = 2, #ARGV, 4 do
  redis.call('XADD', log, '*', 'body', ARGV[i + 2], 'prev', ARGV[i + 3], 'hash', ARGV[i + 1])
  redis.call('XDEL', inbox, ARGV[i])
end
redis.call('SET', head, ARGV[#ARGV - 2])
return 'ok'
`,
});

interface AuditCommands {
  relaisAuditSeal(log: string, head: string, inbox: string, expected: string, ...entries: string[]): Promise<string>;
}

/** The connection with the seal script defined on it (once per connection). */
function withSeal(redis: Redis): Redis & AuditCommands {
  const typed = redis as Redis & Partial<AuditCommands>;
  if (typeof typed.relaisAuditSeal !== 'function') redis.defineCommand('relaisAuditSeal', { numberOfKeys: 3, lua: SEAL });
  return redis as Redis & AuditCommands;
}

/** How recording an entry ended: chained into the log, or failed (the caller got the error). */
export type AuditRecordOutcome = 'chained' | 'failed';

/** Inbox entries chained in one round trip at most. */
const SEAL_BATCH = 500;
/** Rounds of one seal before giving up (each lost round means another gateway sealed entries meanwhile). */
const SEAL_ROUNDS = 50;

/**
 * Appends audit entries to the chain; one per gateway. An entry is first added to an inbox stream
 * (one XADD, nobody to wait for: that is when it is logged), then sealed: the inbox's entries, whoever
 * wrote them, are chained and moved to the log in one script, the head compared and set in the same
 * step. Any gateway's seal takes everyone's entries, so a gateway that loses the race to another has
 * nothing left to do instead of retrying behind it (a per-entry compare-and-set starved the slower
 * gateway under load: measured by `npm run bench`, "audit"). `record()` resolves once its entry is in
 * the chain; entries recorded while a seal runs wait for the next one, which takes them all.
 */
export class AuditLog {
  readonly #redis: Redis & AuditCommands;
  readonly #now: () => number;
  /** Callers whose entry (inbox id) is in the inbox, waiting for a seal that starts after it got there. */
  #waiting: { id: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #sealing = false;
  readonly #recorded: ((action: AuditAction, outcome: AuditRecordOutcome) => void)[] = [];

  constructor(redis: Redis, now: () => number = Date.now) {
    this.#redis = withSeal(redis);
    this.#now = now;
  }

  /** Appends one entry; resolves once it is chained (an access is logged before it is answered). */
  async record(event: AuditEvent): Promise<void> {
    try {
      const id = (await this.#redis.xadd(AUDIT_KEYS.inbox, '*', 'body', canonicalBody(event, this.#now()))) as string;
      await new Promise<void>((resolve, reject) => {
        this.#waiting.push({ id, resolve, reject });
        if (!this.#sealing) void this.#sealLoop();
      });
    } catch (error) {
      for (const observer of this.#recorded) observer(event.action, 'failed');
      throw error;
    }
    for (const observer of this.#recorded) observer(event.action, 'chained');
  }

  /** Hears each entry recorded through this log, chained or failed (the action only: the metrics). */
  onRecorded(observer: (action: AuditAction, outcome: AuditRecordOutcome) => void): void {
    this.#recorded.push(observer);
  }

  async #sealLoop(): Promise<void> {
    this.#sealing = true;
    while (this.#waiting.length > 0) {
      const waiting = this.#waiting.splice(0);
      try {
        await sealAudit(this.#redis, waiting.map((w) => w.id).reduce((a, b) => (streamIdAfter(b, a) ? b : a)));
        for (const w of waiting) w.resolve();
      } catch (error) {
        for (const w of waiting) w.reject(error);
      }
    }
    this.#sealing = false;
  }
}

/** True when stream id `a` comes after `b` ("<ms>-<seq>"). */
function streamIdAfter(a: string, b: string): boolean {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am > bm || (am === bm && as > bs);
}

/**
 * Chains the entries waiting in the inbox into the log, up to `upTo` (an inbox id; all of them
 * without it). Any gateway may, any time: the daily trim does too, so the entries of a gateway that
 * died between its XADD and its seal are chained.
 */
export async function sealAudit(redis: Redis, upTo?: string): Promise<void> {
  const commands = withSeal(redis);
  for (let round = 0; round < SEAL_ROUNDS; round++) {
    // One round trip: the three keys share the {audit} slot.
    const [pending, head, anchor] = (await execOrThrow(
      redis.pipeline().xrange(AUDIT_KEYS.inbox, '-', '+', 'COUNT', SEAL_BATCH).get(AUDIT_KEYS.head).get(AUDIT_KEYS.anchor).exec(),
    )) as [[string, string[]][], string | null, string | null];
    if (pending.length === 0 || (upTo !== undefined && streamIdAfter(pending[0]?.[0] ?? '', upTo))) return;
    const expected = head ?? '';
    let prev = expected === '' ? (anchor ?? GENESIS) : expected;
    const argv: string[] = [];
    for (const [id, fields] of pending) {
      const body = fieldOf(fields, 'body') ?? '';
      const hash = entryHash(prev, body);
      argv.push(id, hash, body, prev);
      prev = hash;
    }
    // 'moved': another gateway sealed some of these; the next round reads what is left.
    await commands.relaisAuditSeal(AUDIT_KEYS.log, AUDIT_KEYS.head, AUDIT_KEYS.inbox, expected, ...argv);
  }
  throw new Error('audit: the inbox could not be sealed');
}

/**
 * Drops the entries older than `days` and moves the anchor to the `prev` of the oldest kept one, so
 * the rest still verifies. Answers how many were dropped.
 */
export async function trimAudit(redis: Redis, days: number, now: number = Date.now()): Promise<number> {
  await sealAudit(redis);
  const cutoff = now - days * 86_400_000;
  const first = (await redis.xrange(AUDIT_KEYS.log, String(cutoff), '+', 'COUNT', 1))[0];
  if (first === undefined) return 0;
  const prev = fieldOf(first[1], 'prev');
  if (prev === undefined) return 0;
  const dropped = await redis.xtrim(AUDIT_KEYS.log, 'MINID', first[0]);
  if (dropped > 0) await redis.set(AUDIT_KEYS.anchor, prev);
  return dropped;
}

/** A field of a stream entry's flat [name, value, …] list. */
export function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
