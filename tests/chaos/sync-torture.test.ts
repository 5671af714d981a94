import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chaosSeed } from './prng.ts';
import { defaultConfig, runChaos } from './run.ts';
import { ChaosStack } from './stack.ts';

/**
 * The randomized sync torture test: 20 devices of 10 users in 6 conversations send CHAOS_MESSAGES
 * messages (edit and withdraw some of their own, answer the urgent ones of others — "Pris en compte",
 * "Je prends en charge", some from both devices of a user or offline: tests/chaos/actions.ts) through 2 gateway
 * processes and one durable Redis while the harness cuts devices off,
 * drops responses after commit, duplicates and reorders live frames, and SIGKILLs gateways and Redis.
 * Replay a failure with the printed seed: `CHAOS_SEED=<seed> npm run test:chaos`.
 *
 * 3,000 by default: every fault still happens (asserted below), and `npm test` stays within its time
 * budget on a 2-core CI machine (5,000 took 205 s of a 14-min `bash .ci/run` on one).
 * `CHAOS_MESSAGES=20000 npm run test:chaos` runs a longer one.
 */

const seed = chaosSeed();
const messages = Number(process.env.CHAOS_MESSAGES ?? 3_000);
let stack: ChaosStack;

beforeAll(async () => {
  console.info(`chaos: seed ${seed} (replay with CHAOS_SEED=${seed}), ${messages} messages`);
  stack = await ChaosStack.start(2);
});

afterAll(async () => {
  await stack?.stop();
});

describe('sync under chaos', () => {
  it('delivers every accepted message exactly once, in the same seq order, to every participant device', async () => {
    const report = await runChaos(stack, defaultConfig(seed, messages));
    try {
      console.info(
        `chaos: seed ${seed}: ${report.messages} messages; actions ${JSON.stringify(report.actions)}; ` +
          `faults ${JSON.stringify(report.faults)}; traffic ${JSON.stringify(report.traffic)}; back end: ${report.backendFaults.join(', ')}; ` +
          `quiescent after ${report.quiescentAfterRounds} sync rounds; ${report.world.acks.size} answers to urgent messages, ` +
          `${report.ackAnswersReplayed} replayed after a lost answer; ms ${JSON.stringify(report.durationMs)}`,
      );
      expect(report.world.violations, `seed ${seed}`).toEqual([]);
      expect(report.messages).toBeGreaterThanOrEqual(messages);
      // The run must really have gone through its faults, or it proves nothing.
      expect(report.backendFaults).toHaveLength(4);
      for (const kind of ['push-response-dropped', 'frame-duplicated', 'frame-reordered', 'offline-period'] as const) {
        expect(report.faults[kind] ?? 0, kind).toBeGreaterThan(0);
      }
      // Answers to urgent messages took each path: offline through the outbox, from the user's other device, replayed after a lost answer.
      for (const path of ['ack-offline', 'ack-second-device'] as const) expect(report.actions[path] ?? 0, path).toBeGreaterThan(0);
      expect(report.world.acks.size).toBeGreaterThan(0);
      expect(report.ackAnswersReplayed).toBeGreaterThan(0);
    } finally {
      await Promise.all(report.world.devices.map((d) => d.close()));
    }
  });
});
