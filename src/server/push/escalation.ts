import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.ts';
import { execOrThrow } from '../store/feed.ts';
import { KEYS } from '../store/keys.ts';
import { defineScript } from '../store/lua/define-script.ts';
import { answerFrom, answerLineIds, redactionLineId } from '../../shared/urgent-ack.ts';
import { PUSH_KEYS } from './keys.ts';

/**
 * Urgent escalation: an urgent message not yet acknowledged by a recipient is notified again every
 * 2 minutes, for up to 20 minutes (10 reminders), until that recipient acknowledges it (`message.ack`:
 * "Pris en compte" or "Je prends en charge"; reading it is not enough) — or is no longer a member of
 * the conversation (removed, left, or the conversation deleted for everyone), or the sender withdrew
 * the message (`message.redact`).
 *
 *   urgent message ─▶ ZADD {push}:escalations (due = now + 2 min, reminder 1)
 *   every tick, on whichever gateway takes the lock:
 *     due entries ─▶ ZREM (the one that removes it owns it) ─▶ acknowledged, or no longer a member? drop
 *                                                           └─ not acknowledged: push reminder n,
 *                                                              n < 10: ZADD due + 2 min, n + 1
 *
 * The queue lives in Redis, so reminders survive a gateway restart and any gateway may send them.
 */

export interface Escalation {
  userId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  senderName: string;
  /** The reminder this entry will send (1…maxReminders). */
  reminder: number;
}

export interface EscalationOptions {
  redis: RedisClient;
  now?: () => number;
  /** Between reminders (2 minutes) and how many at most (10: 20 minutes); read each time one is queued (the clinic's settings). */
  reminders?: () => { intervalMs: number; maxReminders: number };
  /** How often a gateway looks for due entries. */
  tickMs?: number;
  sendReminder: (escalation: Escalation) => Promise<void>;
  log: { warn(details: object, text: string): void };
}

const BATCH = 100;
/** Frees the scan lock if this gateway still holds it. */
const RELEASE_LOCK = defineScript({
  keys: ['lock'],
  argv: ['token'],
  body: `if redis.call('GET', lock) == token then return redis.call('DEL', lock) else return 0 end`,
});

export class EscalationScheduler {
  readonly #options: Required<EscalationOptions>;
  readonly #token = randomUUID();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<number> | null = null;

  constructor(options: EscalationOptions) {
    this.#options = { now: Date.now, reminders: () => ({ intervalMs: 2 * 60_000, maxReminders: 10 }), tickMs: 15_000, ...options };
  }

  /** Queues the first reminder of an urgent message for one recipient. */
  async schedule(entry: Omit<Escalation, 'reminder'>): Promise<void> {
    const first: Escalation = { ...entry, reminder: 1 };
    const { intervalMs, maxReminders } = this.#options.reminders();
    if (maxReminders < 1) return;
    await this.#options.redis.zadd(PUSH_KEYS.escalations, this.#options.now() + intervalMs, JSON.stringify(first));
  }

  /**
   * True when the recipient needs no more reminders: they acknowledged the message ("Pris en compte"
   * or "Je prends en charge", `message.ack`: one of its two derived line ids is in the conversation's
   * message-id index) — reading it is not enough — or they are no longer a member of its
   * conversation. One slot, one round trip.
   */
  async isSettled(entry: Escalation): Promise<boolean> {
    const [[ack, claim], withdrawal] = await Promise.all([
      answerLineIds(entry.conversationId, entry.messageId, entry.userId),
      redactionLineId(entry.conversationId, entry.messageId),
    ]);
    const [indexed, member] = (await execOrThrow(
      this.#options.redis
        .pipeline()
        .hmget(KEYS.convMessageIds(entry.conversationId), ack, claim, withdrawal)
        .sismember(KEYS.convMembers(entry.conversationId), entry.userId)
        .exec(),
    )) as [(string | null)[], number];
    const [acked = null, claimed = null, withdrawn = null] = indexed;
    // A message its sender withdrew (`message.redact`) has nothing left to answer.
    return member !== 1 || withdrawn !== null || answerFrom(entry.userId, [acked, claimed]) !== 'pending';
  }

  /** Sends the reminders that are due (single-flight); resolves with how many were sent. */
  processDue(): Promise<number> {
    this.#running ??= this.#process().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Resolves when no run is in progress (tests with fake timers wait on it). */
  async whenIdle(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.processDue().catch((err: unknown) => this.#options.log.warn({ err }, 'escalation run failed'));
    }, this.#options.tickMs);
    this.#timer.unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #process(): Promise<number> {
    const { redis } = this.#options;
    // The lock only keeps gateways from doing the same scan twice; ZREM below decides ownership.
    const locked = await redis.set(PUSH_KEYS.escalationLock, this.#token, 'PX', Math.max(5_000, this.#options.tickMs), 'NX');
    if (locked !== 'OK') return 0;
    let sent = 0;
    try {
      const now = this.#options.now();
      const due = await redis.zrangebyscore(PUSH_KEYS.escalations, '-inf', now, 'LIMIT', 0, BATCH);
      for (const member of due) {
        if ((await redis.zrem(PUSH_KEYS.escalations, member)) !== 1) continue;
        let entry: Escalation;
        try {
          entry = JSON.parse(member) as Escalation;
        } catch {
          continue;
        }
        if (await this.isSettled(entry)) continue;
        try {
          await this.#options.sendReminder(entry);
          sent += 1;
        } catch (err) {
          this.#options.log.warn({ err: err instanceof Error ? err.message : 'unknown', userId: entry.userId }, 'escalation push failed');
        }
        const { intervalMs, maxReminders } = this.#options.reminders();
        if (entry.reminder < maxReminders) {
          const next: Escalation = { ...entry, reminder: entry.reminder + 1 };
          await redis.zadd(PUSH_KEYS.escalations, now + intervalMs, JSON.stringify(next));
        }
      }
    } finally {
      await redis.eval(RELEASE_LOCK, 1, PUSH_KEYS.escalationLock, this.#token).catch(() => undefined);
    }
    return sent;
  }
}
