import { createHash } from 'node:crypto';
import type { RedisClient as Redis } from '../redis/redis-connection.ts';
import { defineScript } from '../store/lua/define-script.ts';

/**
 * The audit trail (an access log in the CNIL's sense): who did what to what, when, from where —
 * never message text, file content or names typed in a search. Append-only, one Redis stream, each
 * entry carrying the SHA-256 of the previous one (`prev`) and its own (`hash`), so an entry altered,
 * removed or inserted behind the gateway's back breaks the chain at that point; `npm run audit:verify`
 * (audit-verify.ts) walks it. Kept `RELAIS_AUDIT_DAYS` (365 by default): trimming moves the anchor
 * (the `prev` the oldest kept entry must carry), so a trimmed chain still verifies.
 *
 * Appends are a compare-and-set on the chain's head (one Lua script, one round trip when no other
 * gateway appended meanwhile): the order of the stream is the order of the chain.
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
  'attachment.downloaded',
  'admin.user_disabled',
  'admin.user_enabled',
  'admin.user_created',
  'admin.password_reset',
  'auth.activated',
  'audit.exported',
  'admin.care_team_changed',
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
} as const;

/** The `prev` of the very first entry. */
export const GENESIS = '0'.repeat(64);

/** SHA-256 over the previous hash and the entry's canonical JSON (fixed key order, no hash field). */
export function entryHash(prev: string, body: string): string {
  return createHash('sha256').update(prev).update('\n').update(body).digest('hex');
}

/** The canonical JSON of an event at a time: the bytes the hash covers (key order fixed here). */
export function canonicalBody(event: AuditEvent, at: number): string {
  const { action, actor, target, conversationId, patientId, ip, userIds } = event;
  return JSON.stringify({ at, action, actor, target, conversationId, patientId, ip, userIds });
}

/** KEYS: log, head. ARGV: expected head ('' for none), new hash, body, prev. */
const APPEND = defineScript({
  keys: ['log', 'head'],
  argv: ['expected', 'hash', 'body', 'prev'],
  body: `
local current = redis.call('GET', head) or ''
if current ~= expected then return {'moved', current} end
local id = redis.call('XADD', log, '*', 'body', body, 'prev', prev, 'hash', hash)
redis.call('SET', head, hash)
return {'ok', id}
`,
});

interface AuditCommands {
  relaisAuditAppend(log: string, head: string, expected: string, hash: string, body: string, prev: string): Promise<[string, string]>;
}

const APPEND_ATTEMPTS = 20;

/** Appends audit entries to the chain; one per gateway. */
export class AuditLog {
  readonly #redis: Redis & AuditCommands;
  readonly #now: () => number;
  /** The head this gateway last saw: right unless another gateway appended since. */
  #head: string | null = null;

  constructor(redis: Redis, now: () => number = Date.now) {
    const typed = redis as Redis & Partial<AuditCommands>;
    if (typeof typed.relaisAuditAppend !== 'function') redis.defineCommand('relaisAuditAppend', { numberOfKeys: 2, lua: APPEND });
    this.#redis = redis as Redis & AuditCommands;
    this.#now = now;
  }

  /** Appends one entry; resolves once it is stored (an access is logged before it is answered). */
  async record(event: AuditEvent): Promise<void> {
    let expected = this.#head ?? (await this.#redis.get(AUDIT_KEYS.head)) ?? '';
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const prev = expected === '' ? ((await this.#redis.get(AUDIT_KEYS.anchor)) ?? GENESIS) : expected;
      const body = canonicalBody(event, this.#now());
      const hash = entryHash(prev, body);
      const [status, value] = await this.#redis.relaisAuditAppend(AUDIT_KEYS.log, AUDIT_KEYS.head, expected, hash, body, prev);
      if (status === 'ok') {
        this.#head = hash;
        return;
      }
      expected = value;
    }
    throw new Error('audit: the chain head kept moving');
  }
}

/**
 * Drops the entries older than `days` and moves the anchor to the `prev` of the oldest kept one, so
 * the rest still verifies. Answers how many were dropped.
 */
export async function trimAudit(redis: Redis, days: number, now: number = Date.now()): Promise<number> {
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
