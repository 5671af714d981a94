import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.ts';
import { KEYS } from '../store/keys.ts';
import { defineScript } from '../store/lua/define-script.ts';
import { ladderEntry, type LadderEntry } from './ladder.ts';

/**
 * The escalation ladders' queue (oncall/ladder.ts decides, oncall/ladder-steps.ts acts): a Redis
 * sorted set of the next step of each urgent message's ladder, by when it is due, so the ladders
 * survive a gateway restart and any gateway may run them — one scan at a time (a lock), as the
 * urgent reminders' scheduler (push/escalation.ts) does.
 *
 *   due entry ─▶ CLAIM: still due? push its score to now + lease (the gateway that moves it owns it)
 *            ─▶ run the step (idempotent: derived ids) ─▶ ZADD the next step ─▶ ZREM the entry
 *   then, in the same scan: each function's open urgent conversations pass to whoever holds it
 *   now if they record someone else (a shift change, a planned override: urgent-handover.ts)
 *
 * Unlike the reminders' ZREM, the claim leaves the entry queued: a gateway that dies between the
 * claim and the ZREM leaves it to come due again after the lease, and whichever gateway then takes
 * it runs the step again — which writes nothing twice (the line's derived id and mutation id), and
 * alerts again at worst.
 */

export interface LadderSchedulerOptions {
  redis: RedisClient;
  now: () => number;
  /** How often a gateway looks for due steps. */
  tickMs?: number;
  /** How long a claimed step stays hidden from the other gateways before it is due again. */
  leaseMs?: number;
  /** Runs one due step; answers the next one to queue (null: the ladder stops or ends). */
  runStep: (entry: LadderEntry) => Promise<{ entry: LadderEntry; dueAt: number } | null>;
  /**
   * Run after the due steps, under the same lock: passes the urgent conversations of functions
   * whose holder changed (oncall/urgent-handover.ts `passHolderChanges`); answers how many passed.
   */
  scanHolders?: (now: number) => Promise<number>;
  log: { warn(details: object, text: string): void };
}

const BATCH = 50;

/** Frees the scan lock if this gateway still holds it. */
const RELEASE_LOCK = defineScript({
  keys: ['lock'],
  argv: ['token'],
  body: `if redis.call('GET', lock) == token then return redis.call('DEL', lock) else return 0 end`,
});

/** Takes a due entry: moves it to `leaseEnd` if it is still due by `now`; 1 when this caller took it. */
const CLAIM = defineScript({
  keys: ['queue'],
  argv: ['member', 'now', 'leaseEnd'],
  body: `
local score = redis.call('ZSCORE', queue, member)
if not score or tonumber(score) > tonumber(now) then return 0 end
redis.call('ZADD', queue, leaseEnd, member)
return 1
`,
});

export class LadderScheduler {
  readonly #options: Required<Omit<LadderSchedulerOptions, 'scanHolders'>> & Pick<LadderSchedulerOptions, 'scanHolders'>;
  readonly #token = randomUUID();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<number> | null = null;
  #passed = 0;

  constructor(options: LadderSchedulerOptions) {
    this.#options = { tickMs: 15_000, leaseMs: 60_000, ...options };
  }

  /** Queues one step (idempotent: the same step is the same member). */
  async enqueue(entry: LadderEntry, dueAt: number): Promise<void> {
    await this.#options.redis.zadd(KEYS.ladderQueue, dueAt, JSON.stringify(ladderEntry(entry)));
  }

  /** Runs the steps that are due (single-flight); resolves with how many ran. */
  processDue(): Promise<number> {
    this.#running ??= this.#process().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** How many urgent conversations this gateway's scans passed to a new holder (tests). */
  get passed(): number {
    return this.#passed;
  }

  /** Resolves when no run is in progress (tests with fake timers wait on it). */
  async whenIdle(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.processDue().catch((err: unknown) => this.#options.log.warn({ err: err instanceof Error ? err.message : 'unknown' }, 'ladder run failed'));
    }, this.#options.tickMs);
    this.#timer.unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Takes one due entry as `processDue` does, without running it: what a gateway that dies right
   * after its claim leaves behind (the tests' way to kill one mid-step).
   */
  async claimOnly(member: string): Promise<boolean> {
    const now = this.#options.now();
    return (await this.#options.redis.eval(CLAIM, 1, KEYS.ladderQueue, member, now, now + this.#options.leaseMs)) === 1;
  }

  async #process(): Promise<number> {
    const { redis } = this.#options;
    // The lock keeps gateways from scanning at once; the claim decides who runs an entry.
    const locked = await redis.set(KEYS.ladderLock, this.#token, 'PX', Math.max(5_000, this.#options.tickMs), 'NX');
    if (locked !== 'OK') return 0;
    let ran = 0;
    try {
      const due = await redis.zrangebyscore(KEYS.ladderQueue, '-inf', this.#options.now(), 'LIMIT', 0, BATCH);
      for (const member of due) {
        if (!(await this.claimOnly(member))) continue;
        let entry: LadderEntry;
        try {
          entry = JSON.parse(member) as LadderEntry;
        } catch {
          await redis.zrem(KEYS.ladderQueue, member);
          continue;
        }
        try {
          const next = await this.#options.runStep(entry);
          if (next !== null) await this.enqueue(next.entry, next.dueAt);
          // The same step queued again (not due yet: its ladder changed) keeps its member.
          if (next === null || JSON.stringify(ladderEntry(next.entry)) !== member) await redis.zrem(KEYS.ladderQueue, member);
          ran += 1;
        } catch (err) {
          // Left claimed: due again after the lease, on whichever gateway.
          this.#options.log.warn({ err: err instanceof Error ? err.message : 'unknown', conversationId: entry.conversationId }, 'ladder step failed');
        }
      }
      if (this.#options.scanHolders) this.#passed += await this.#options.scanHolders(this.#options.now());
    } finally {
      await redis.eval(RELEASE_LOCK, 1, KEYS.ladderLock, this.#token).catch(() => undefined);
    }
    return ran;
  }
}
