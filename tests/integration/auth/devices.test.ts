import { describe, expect, it } from 'vitest';
import type { Device } from '../../../src/shared/http.ts';
import { addUser, ApiClient, TEST_PASSWORD } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

/**
 * A person's own devices and password: they see where they are signed in, sign out one device or
 * all the others (its sockets close at once), and change their password, which ends every other
 * session and keeps this one.
 */

const DB = 23;
const started = useGateway({ db: DB });

const TABLET = 'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

async function signedIn(username: string, userAgent: string, password = TEST_PASSWORD): Promise<ApiClient> {
  const api = new ApiClient(started.url);
  const reply = await api.request('POST', '/api/auth/login', { body: { username, password }, headers: { 'user-agent': userAgent } });
  expect(reply.status).toBe(200);
  return api;
}

const answer = (reply: { status: number; body: unknown }) => [reply.status, (reply.body as { error?: { code: string } } | null)?.error?.code];

async function devices(api: ApiClient): Promise<Device[]> {
  const reply = await api.get('/api/me/devices');
  expect(reply.status).toBe(200);
  return (reply.body as { devices: Device[] }).devices;
}

describe('my devices', () => {
  it('lists where I am signed in, this device marked, named from its browser', async () => {
    const account = await addUser(started.redis);
    const tablet = await signedIn(account.username, TABLET);
    await signedIn(account.username, DESKTOP);
    const seen = await devices(tablet);
    expect(seen.map((d) => [d.label, d.current]).sort()).toEqual([
      ['Chrome · Android', true],
      ['Firefox · Windows', false],
    ]);
    // Another person's list is theirs alone.
    const other = await addUser(started.redis);
    expect(await devices(await signedIn(other.username, DESKTOP))).toHaveLength(1);
  });

  it('signs out one device: its next request is refused and its socket closes; nobody signs out another person’s', async () => {
    const account = await addUser(started.redis);
    const tablet = await signedIn(account.username, TABLET);
    const desktop = await signedIn(account.username, DESKTOP);
    const socket = await started.live(desktop);
    const target = (await devices(tablet)).find((d) => !d.current) as Device;

    const stranger = await signedIn((await addUser(started.redis)).username, TABLET);
    const refused = await stranger.request('DELETE', `/api/me/devices/${target.id}`);
    expect([refused.status, (refused.body as { error: { code: string } }).error.code]).toEqual([404, 'not_found']);
    expect((await desktop.get('/api/me')).status).toBe(200);

    expect((await tablet.request('DELETE', `/api/me/devices/${target.id}`)).status).toBe(204);
    expect(await socket.closedByServer()).toBeGreaterThan(0);
    // Told why, so that it wipes the user's store (remote wipe).
    expect(answer(await desktop.get('/api/me'))).toEqual([401, 'device_revoked']);
    expect((await devices(tablet)).map((d) => d.current)).toEqual([true]);
  });

  it('signs out all the other devices and keeps this one', async () => {
    const account = await addUser(started.redis);
    const here = await signedIn(account.username, TABLET);
    const others = [await signedIn(account.username, DESKTOP), await signedIn(account.username, TABLET)];
    const reply = await here.request('DELETE', '/api/me/devices');
    expect(reply.body).toEqual({ ended: 2 });
    for (const other of others) expect(answer(await other.get('/api/sync/pull'))).toEqual([401, 'device_revoked']);
    expect((await here.get('/api/me')).status).toBe(200);
  });

  it('tells a request sent with the cookie the same person just replaced by signing in again here "session_replaced", not that it is signed out', async () => {
    const account = await addUser(started.redis);
    const other = await addUser(started.redis);
    const here = await signedIn(account.username, TABLET);
    const stale = new ApiClient(started.url);
    stale.cookie = here.cookie;
    expect((await here.request('POST', '/api/auth/login', { body: { username: account.username, password: TEST_PASSWORD } })).status).toBe(200);
    expect(answer(await stale.get('/api/sync/pull'))).toEqual([401, 'session_replaced']);
    expect((await here.get('/api/me')).status).toBe(200);
    // Someone else signing in on the tablet ends the previous person's session: that one is plainly over.
    const previous = here.cookie;
    expect((await here.request('POST', '/api/auth/login', { body: { username: other.username, password: TEST_PASSWORD } })).status).toBe(200);
    stale.cookie = previous;
    expect(answer(await stale.get('/api/me'))).toEqual([401, 'unauthenticated']);
  });

  it('says "device_revoked" only to a device signed out from elsewhere: signing out here, or a forged token, is plain unauthenticated', async () => {
    const account = await addUser(started.redis);
    const here = await signedIn(account.username, TABLET);
    const token = here.cookie;
    expect((await here.request('POST', '/api/auth/logout')).status).toBe(204);
    const replayed = new ApiClient(started.url);
    replayed.cookie = token;
    expect(answer(await replayed.get('/api/me'))).toEqual([401, 'unauthenticated']);
    const forged = new ApiClient(started.url);
    forged.cookie = `${token.split('=')[0]}=${'A'.repeat(43)}`;
    expect(answer(await forged.get('/api/me'))).toEqual([401, 'unauthenticated']);
  });
});

describe('my password', () => {
  it('refuses a wrong current password and changes nothing', async () => {
    const account = await addUser(started.redis);
    const api = await signedIn(account.username, TABLET);
    const refused = await api.request('POST', '/api/me/password', { body: { current: 'pas-le-bon-mot', password: 'nouveau-mot-de-passe' } });
    expect([refused.status, (refused.body as { error: { code: string } }).error.code]).toEqual([401, 'invalid_credentials']);
    expect((await api.get('/api/me')).status).toBe(200);
    await signedIn(account.username, DESKTOP);
  });

  it('changes it: every other session ends, this device stays signed in, only the new password opens the account', async () => {
    const account = await addUser(started.redis);
    const here = await signedIn(account.username, TABLET);
    const elsewhere = await signedIn(account.username, DESKTOP);
    const socket = await started.live(elsewhere);
    const changed = await here.request('POST', '/api/me/password', { body: { current: TEST_PASSWORD, password: 'un-nouveau-mot-de-passe' } });
    expect(changed.status).toBe(204);
    expect(await socket.closedByServer()).toBeGreaterThan(0);
    expect(answer(await elsewhere.get('/api/me'))).toEqual([401, 'device_revoked']);
    expect((await here.get('/api/me')).status).toBe(200);
    const old = await new ApiClient(started.url).request('POST', '/api/auth/login', { body: { username: account.username, password: TEST_PASSWORD } });
    expect(old.status).toBe(401);
    await signedIn(account.username, DESKTOP, 'un-nouveau-mot-de-passe');
  });

  it('refuses a new password that is too short, with bad_request', async () => {
    const account = await addUser(started.redis);
    const api = await signedIn(account.username, TABLET);
    const refused = await api.request('POST', '/api/me/password', { body: { current: TEST_PASSWORD, password: 'court' } });
    expect(refused.status).toBe(400);
  });
});
