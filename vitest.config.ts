import { defineConfig } from 'vitest/config';

/** Projects, run in this order by `npm test`: unit, integration (real Redis + server), chaos (sync torture), e2e (Chromium). */
export default defineConfig({
  test: {
    // One private redis-server for the run (tests/test-redis.ts): no Redis of anyone else is touched.
    globalSetup: ['tests/test-redis.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'chaos',
          environment: 'node',
          include: ['tests/chaos/**/*.test.ts'],
          // The simulated devices run in two worker threads (tests/chaos/device-pool.ts): on a machine
          // loaded by other work (load average ~11), 2,000 messages took 97 s against 220 s with every
          // device in one thread. The bound leaves room for a loaded CI machine.
          testTimeout: 900_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
