import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../../src/server/demo-seed.ts';
import { hashPassword } from '../../../src/server/auth/password.ts';
import { countUsers, findCredentials, setPasswordHash } from '../../../src/server/store/users.ts';
import { ApiClient, connectTestRedis, flushTestDb, spawnGateway, TEST_PASSWORD_PARAMS, type SpawnedGateway } from '../helpers.ts';

/** The demo clinic's public passwords must never become a way into a real clinic: each start-up rule, in a real gateway process. */
let redis: Redis;
let running: SpawnedGateway | undefined;

beforeEach(async () => {
  await flushTestDb();
  redis = connectTestRedis();
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  redis.disconnect();
});

/** Starts `src/server/main.ts` as `npm start` would, RELAIS_DEMO unset unless given. */
async function start(env: Record<string, string> = {}): Promise<SpawnedGateway> {
  running = await spawnGateway({ RELAIS_DEMO: '', ...env });
  return running;
}

async function demoSignIn(url: string): Promise<number> {
  const reply = await new ApiClient(url).request('POST', '/api/auth/login', { body: { username: 'dr.martin', password: DEMO_PASSWORD } });
  return reply.status;
}

describe('the demo clinic at start-up', () => {
  it('is seeded on a fresh store when the gateway listens on loopback only, as `npm start` does', async () => {
    const gateway = await start();
    expect(await demoSignIn(gateway.url)).toBe(200);
    expect(await countUsers(redis)).toBe(DEMO_ACCOUNTS.length);
  });

  it('is not seeded when a proxy or another host can reach the loopback gateway, unless RELAIS_DEMO=1 says so', async () => {
    await start({ TRUST_PROXY: 'loopback' });
    expect(await countUsers(redis)).toBe(0);
    await running?.stop();
    await start({ ALLOWED_HOSTS: 'relais.clinique.lan' });
    expect(await countUsers(redis)).toBe(0);
    await running?.stop();
    const gateway = await start({ ALLOWED_HOSTS: 'relais.clinique.lan', RELAIS_DEMO: '1' });
    expect(await demoSignIn(gateway.url)).toBe(200);
  });

  it('refuses to start with NODE_ENV=production while demo accounts take the public password, in one line', async () => {
    await (await start()).stop();
    const refused = await spawnGateway({ RELAIS_DEMO: '', NODE_ENV: 'production' }).then(
      () => 'started',
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    expect(refused).toMatch(/^gateway exited with 1: /);
    // Structured log records (a missing `dist/` before `npm run build`, say) may precede it; what
    // the operator reads is one line.
    const output = refused
      .replace(/^gateway exited with 1: /, '')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('{"level":'))
      .join('\n');
    expect(output.split('\n')).toHaveLength(1);
    expect(output).toMatch(/^Relais: failed to start: NODE_ENV=production and the demo accounts dr\.martin, .* still take the public password .*npm run user:password/);
  });

  it('starts in production once every demo account has another password, and seeds nothing there', async () => {
    await (await start()).stop();
    const replaced = await hashPassword('un-vrai-mot-de-passe', TEST_PASSWORD_PARAMS);
    for (const account of DEMO_ACCOUNTS) {
      const found = await findCredentials(redis, account.username);
      if (found) await setPasswordHash(redis, found.user.id, replaced);
    }
    const gateway = await start({ NODE_ENV: 'production' });
    expect(await demoSignIn(gateway.url)).toBe(401);
    await running?.stop();
    await flushTestDb();
    await start({ NODE_ENV: 'production' });
    expect(await countUsers(redis)).toBe(0);
  });
});
