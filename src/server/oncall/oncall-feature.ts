import type { GatewayFeature } from '../core/feature.ts';
import { functionAdminRoutes } from './function-admin-routes.ts';
import { functionRoutes } from './function-routes.ts';
import { LadderScheduler } from './ladder-scheduler.ts';
import { ladderSteps, type LadderSteps, type UrgentAlerts } from './ladder-steps.ts';
import { passHolderChanges, passOpenUrgent, type PassUrgent } from './urgent-handover.ts';

/** What the on-call feature takes besides the core: the clock (tests pin it; default `Date.now`) and the ladder's tick. */
export interface OncallOptions {
  now?: () => number;
  /** How often a gateway looks for due ladder steps (RELAIS_LADDER_TICK_SECONDS, default 15 s). */
  ladderTickMs?: number;
  /** How long a claimed step stays hidden from the other gateways (default 60 s). */
  ladderLeaseMs?: number;
  /** Do not run the ladder's timer (tests drive `ladder.scheduler.processDue()`). */
  manualLadder?: boolean;
  /** Handed the ladder once started (tests). */
  onStarted?: (ladder: OncallLadder) => void;
}

/** The escalation ladder as the gateway runs it. */
export interface OncallLadder {
  scheduler: LadderScheduler;
  steps: LadderSteps;
  /** Resolves once every ladder started by an appended message is queued (tests). */
  whenStarted(): Promise<void>;
}

/** Reads the on-call settings from the environment. */
export function loadOncallConfig(env: NodeJS.ProcessEnv): OncallOptions {
  const tick = Number(env.RELAIS_LADDER_TICK_SECONDS || 15);
  if (!Number.isFinite(tick) || tick <= 0) throw new Error('RELAIS_LADDER_TICK_SECONDS must be a positive number');
  return { ladderTickMs: tick * 1000 };
}

/**
 * Function roles and the on-call rota: the admins' routes that define functions, who holds each
 * when and their escalation ladders; the staff's list of functions with their holders now, and the
 * holder's handover; the ladders' scheduler (oncall/ladder.ts). `alerts` is Web Push's urgent alert.
 */
export function oncallFeature(options: OncallOptions = {}, deps: { alerts: UrgentAlerts }): GatewayFeature {
  const now = options.now ?? Date.now;
  return {
    name: 'oncall',
    async register(app, core) {
      const publish = core.live.publishChange.bind(core.live);
      const handover = { redis: core.redis, audit: core.audit, publish, alerts: deps.alerts };
      let scheduler: LadderScheduler | null = null;
      const steps = ladderSteps({
        redis: core.redis,
        now,
        audit: core.audit,
        publish,
        alerts: deps.alerts,
        enqueue: (entry, dueAt) => scheduler!.enqueue(entry, dueAt),
        log: app.log,
      });
      scheduler = new LadderScheduler({
        redis: core.redis,
        now,
        ...(options.ladderTickMs === undefined ? {} : { tickMs: options.ladderTickMs }),
        ...(options.ladderLeaseMs === undefined ? {} : { leaseMs: options.ladderLeaseMs }),
        runStep: (entry) => steps.runStep(entry),
        scanHolders: (at) => passHolderChanges({ ...handover, log: app.log }, at),
        log: app.log,
      });
      const ladder = scheduler;
      // The handover (or override) is recorded by then: a failure here is logged, not answered as one.
      const passUrgent: PassUrgent = (passed) =>
        passOpenUrgent(handover, passed).catch((err: unknown) => {
          app.log.warn({ err: err instanceof Error ? err.message : 'unknown', functionId: passed.functionId }, 'urgent handover failed');
          return 0;
        });
      await functionAdminRoutes(app, core, now, passUrgent);
      await functionRoutes(app, core, now, passUrgent);
      const pending = new Set<Promise<void>>();
      if (!options.manualLadder) ladder.start();
      options.onStarted?.({ scheduler: ladder, steps, whenStarted: async () => void (await Promise.all([...pending])) });
      return {
        onAppended(appended) {
          // Only an urgent message may start a ladder (ladder-steps.ts checks it again, parsed): the rest costs no promise.
          if (!appended.change.includes('"urgent":true')) return;
          const work = steps.onAppended(appended).catch((err: unknown) => {
            app.log.warn({ err: err instanceof Error ? err.message : 'unknown', conversationId: appended.conversationId }, 'ladder start failed');
          });
          pending.add(work);
          void work.finally(() => pending.delete(work));
        },
        async close() {
          ladder.stop();
          await Promise.all([ladder.whenIdle(), ...pending]);
        },
      };
    },
  };
}
