import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisProcess } from '../../chaos/redis-process.ts';
import { startGateway, type StartedGateway } from '../helpers.ts';

/**
 * Liveness and readiness apart, on a redis-server of this file's own that it stops and starts again:
 * `/healthz` answers while the process runs, `/readyz` only while Redis answers and the live bus is
 * subscribed.
 */

let redis: RedisProcess;
let gateway: StartedGateway;

beforeAll(async () => {
  redis = await RedisProcess.start();
  gateway = await startGateway({ redisUrl: redis.url });
});

afterAll(async () => {
  await gateway?.close();
  await redis?.stop();
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(gateway.url + path, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.json() };
}

/**
 * Asks `/readyz` until it answers 200: the gateway's connections come back on ioredis's reconnection
 * schedule (every ≤ 2 s), which no event outside the gateway tells. Fails past `timeoutMs`.
 */
async function readyAgain(timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + timeoutMs;
  let last = await get('/readyz');
  while (last.status !== 200 && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 200));
    last = await get('/readyz');
  }
  return last;
}

describe('GET /healthz and GET /readyz', () => {
  it('are both 200 while Redis answers and the live bus is subscribed', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: { ok: true } });
    expect(await get('/readyz')).toEqual({ status: 200, body: { ready: true } });
  });

  it('turns /readyz to 503 redis_unreachable when Redis stops, /healthz staying 200, and back to 200 once it is back', async () => {
    await redis.kill();
    expect(await get('/readyz')).toEqual({
      status: 503,
      body: { error: { code: 'unavailable', message: 'Redis does not answer', reason: 'redis_unreachable' } },
    });
    expect(await get('/healthz')).toEqual({ status: 200, body: { ok: true } });

    await redis.restart();
    expect(await readyAgain(20_000)).toEqual({ status: 200, body: { ready: true } });
  });
});
