import { Redis } from 'ioredis';
import { spawnGateway, type SpawnedGateway } from '../integration/helpers.ts';
import { RedisProcess } from './redis-process.ts';

/**
 * The real back end of a chaos run: a private durable redis-server and N gateway processes
 * (`tsx src/server/main.ts`) on it, with the faults the harness injects: SIGKILL a gateway and
 * start it again (it comes back on a new port), SIGKILL Redis and restart it on its AOF, or
 * restart it empty (store loss).
 */

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

export class ChaosStack {
  readonly #gateways: (SpawnedGateway | null)[];
  readonly #listeners = new Set<() => void>();
  /** A connection for setup and for looking behind the gateways' back. */
  readonly admin: Redis;

  private constructor(
    readonly redis: RedisProcess,
    gateways: SpawnedGateway[],
  ) {
    this.#gateways = gateways;
    this.admin = new Redis(redis.url, { maxRetriesPerRequest: 3, retryStrategy: () => 100 });
    this.admin.on('error', () => undefined); // Redis is killed on purpose; commands fail and are retried
  }

  /** Starts Redis, then `gatewayCount` gateway processes on it. */
  static async start(gatewayCount = 2): Promise<ChaosStack> {
    const redis = await RedisProcess.start();
    try {
      const gateways = await Promise.all(Array.from({ length: gatewayCount }, () => spawnGateway(gatewayEnv(redis))));
      return new ChaosStack(redis, gateways);
    } catch (error) {
      await redis.stop();
      throw error;
    }
  }

  get gatewayCount(): number {
    return this.#gateways.length;
  }

  /** Where gateway `index` listens now, or null while it is down. */
  urlOf(index: number): string | null {
    return this.#gateways[index]?.url ?? null;
  }

  /** Calls `listener` whenever a gateway goes down or comes back (its URL changes). */
  onGatewaysChanged(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** SIGKILLs gateway `index`, keeps it down for `downMs`, starts a new process (new port). */
  async killGateway(index: number, downMs: number): Promise<void> {
    const gateway = this.#gateways[index];
    if (!gateway) return;
    this.#gateways[index] = null;
    this.#changed();
    const exited = new Promise<void>((done) => gateway.child.once('exit', () => done()));
    gateway.child.kill('SIGKILL');
    await exited;
    // The crash must be real: nothing may answer where the killed gateway listened.
    if (await answers(gateway.url)) throw new Error(`gateway ${index} still answers after SIGKILL`);
    await sleep(downMs);
    this.#gateways[index] = await spawnGateway(gatewayEnv(this.redis));
    this.#changed();
  }

  /** SIGKILLs Redis, keeps it down for `downMs`, restarts it on its append-only file. */
  async killRedis(downMs: number): Promise<void> {
    await this.redis.kill();
    await sleep(downMs);
    await this.redis.restart();
  }

  /** Stops every gateway and Redis, deleting Redis's files. */
  async stop(): Promise<void> {
    this.admin.disconnect();
    await Promise.all(this.#gateways.map((gateway) => gateway?.stop()));
    await this.redis.stop();
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

function gatewayEnv(redis: RedisProcess): Record<string, string> {
  // The devices send at machine speed: the abuse limits still run, never bite (they are tested on their own).
  return { REDIS_URL: redis.url, LOG_LEVEL: 'error', RELAIS_DEMO: '0', RELAIS_RATE_LIMIT_SCALE: '1000' };
}
