import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_PARAMS } from '../../../src/server/auth/password.ts';
import { loadCoreConfig } from '../../../src/server/core/core-config.ts';
import { addUser, ApiClient, rawRequest, startGateway, type StartedGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

const started = useGateway();
const { redis } = started;
/** A gateway at production's scrypt cost, on the same store (the fixture's hashes at the tests' cheap one). */
let production: StartedGateway;
/** One behind a trusted proxy on this machine: the client address is X-Forwarded-For's. */
let proxied: StartedGateway;

beforeAll(async () => {
  production = await startGateway({ passwordParams: PASSWORD_PARAMS });
  proxied = await startGateway({ trustProxy: loadCoreConfig({ TRUST_PROXY: 'loopback' }).trustProxy });
});

afterAll(async () => {
  await production?.close();
  await proxied?.close();
});

const storedHash = async (userId: string): Promise<string> => (await redis.hget(`{u:${userId}}:user`, 'passwordHash')) ?? '';

describe('password storage', () => {
  it('rehashes at sign-in a password stored at weaker parameters, and signs in with the new hash after', async () => {
    // Hashed as Relais did before (N=2^14).
    const account = await addUser(redis, { password: 'un-ancien-mot-de-passe', params: { N: 16_384, r: 8, p: 1 } });
    expect(await storedHash(account.id)).toMatch(/^scrypt\$16384\$8\$1\$/);
    await new ApiClient(production.url).login(account.username, account.password);
    const rehashed = await storedHash(account.id);
    expect(rehashed).toMatch(/^scrypt\$131072\$8\$1\$/);
    await new ApiClient(production.url).login(account.username, account.password);
    expect(await storedHash(account.id)).toBe(rehashed);
    const wrong = await new ApiClient(production.url).request('POST', '/api/auth/login', { body: { username: account.username, password: 'pas le bon' } });
    expect(wrong.status).toBe(401);
  });

  it('never lowers a hash stronger than the gateway\'s parameters', async () => {
    const account = await addUser(redis, { password: 'un-mot-de-passe-fort', params: PASSWORD_PARAMS });
    const before = await storedHash(account.id);
    await new ApiClient(started.url).login(account.username, account.password);
    expect(await storedHash(account.id)).toBe(before);
  });
});

describe('failed sign-ins', () => {
  const signIn = (gateway: { url: string }, username: string, password: string, headers: Record<string, string> = {}) =>
    rawRequest(gateway.url, '/api/auth/login', { method: 'POST', headers: { origin: gateway.url, ...headers }, body: { username, password } });
  const sleep = (seconds: number) => new Promise((done) => setTimeout(done, seconds * 1_000 + 100));

  it('slow an account down after 5 failures, growing, instead of locking the clinician out; a success forgets them', async () => {
    const account = await addUser(redis);
    const wrong = () => signIn(started, account.username, 'pas le bon');
    for (let i = 0; i < 6; i++) expect((await wrong()).status, `attempt ${i + 1}`).toBe(401);
    // The 6th failure set a 1 s wait: even the right password waits it out.
    const waiting = await signIn(started, account.username, account.password);
    expect(waiting.status).toBe(429);
    expect((waiting.body as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(waiting.headers['retry-after']).toBe('1');
    await sleep(1);
    expect((await wrong()).status).toBe(401);
    await sleep(1);
    expect((await wrong()).status).toBe(401);
    // The delays grow (1, 1, 2, 3, 5 … s, up to 5 min); the clinician waits seconds, not 15 minutes.
    expect((await wrong()).headers['retry-after']).toBe('2');
    await sleep(2);
    expect((await signIn(started, account.username, account.password)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await wrong()).status, `after success ${i + 1}`).toBe(401);
  });

  it('hold across gateways: the wait set on one gateway applies on the other', async () => {
    const account = await addUser(redis);
    for (let i = 0; i < 6; i++) await signIn(started, account.username, 'pas le bon');
    const elsewhere = await signIn(production, account.username, account.password);
    expect(elsewhere.status).toBe(429);
    expect(Number(elsewhere.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('slow down one address spraying many accounts (behind a trusted proxy, per client address), not the others', async () => {
    const sprayer = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < 101; i++) expect((await signIn(proxied, `inconnu.${i}`, 'devine', sprayer)).status, `attempt ${i + 1}`).toBe(401);
    expect((await signIn(proxied, 'inconnu.101', 'devine', sprayer)).status).toBe(429);
    const colleague = await addUser(redis);
    expect((await signIn(proxied, colleague.username, colleague.password, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
  });
});
