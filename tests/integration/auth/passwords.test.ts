import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_PARAMS } from '../../../src/server/auth/password.ts';
import { addUser, ApiClient, startGateway, type StartedGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

const started = useGateway();
const { redis } = started;
/** A gateway at production's scrypt cost, on the same store (the fixture's hashes at the tests' cheap one). */
let production: StartedGateway;

beforeAll(async () => {
  production = await startGateway({ passwordParams: PASSWORD_PARAMS });
});

afterAll(async () => {
  await production?.close();
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
