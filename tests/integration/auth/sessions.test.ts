import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/shared/ids.ts';
import { sessionKey } from '../../../src/server/auth/sessions.ts';
import { addUser, ApiClient, rawRequest, startGateway, type StartedGateway } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

const started = useGateway();
const { redis } = started;
/** The same store behind a gateway whose sessions live at most a minute, however used. */
let shortLived: StartedGateway;

beforeAll(async () => {
  shortLived = await startGateway({ sessionMaxAgeSeconds: 60 });
});

afterAll(async () => {
  await shortLived?.close();
});

/** The Redis key of the session a client holds. */
function keyOf(api: ApiClient): string {
  return sessionKey(decodeURIComponent(api.cookie.split('=')[1] ?? '')) as string;
}

/** The attributes of a Set-Cookie line, lowercased by name (`max-age`, `path`…; flags as ''). */
function cookieAttributes(line: string): { name: string; attributes: Map<string, string> } {
  const [pair = '', ...rest] = line.split(';').map((part) => part.trim());
  const attributes = new Map(rest.map((part) => {
    const [name = '', value = ''] = part.split('=');
    return [name.toLowerCase(), value] as const;
  }));
  return { name: pair.split('=')[0] ?? '', attributes };
}

describe('the session cookie', () => {
  it('is __Host-relais_session: HttpOnly, Secure, SameSite=Strict, Path=/, no Domain, set and cleared alike', async () => {
    const account = await started.signIn();
    const me = (await account.api.get('/api/me')).body as { user: { username: string } };
    const login = await new ApiClient(started.url).request('POST', '/api/auth/login', { body: { username: me.user.username, password: 'correct-horse-battery' } });
    const set = cookieAttributes(login.headers.getSetCookie()[0] ?? '');
    expect(set.name).toBe('__Host-relais_session');
    expect([...set.attributes.keys()].sort()).toEqual(['httponly', 'max-age', 'path', 'samesite', 'secure']);
    expect(set.attributes.get('path')).toBe('/');
    expect(set.attributes.get('samesite')).toBe('Strict');
    const logout = await rawRequest(started.url, '/api/auth/logout', { method: 'POST', headers: { origin: started.url, cookie: account.api.cookie } });
    const cleared = cookieAttributes(String(logout.headers['set-cookie']?.[0]));
    expect(cleared.name).toBe('__Host-relais_session');
    expect(cleared.attributes.has('secure')).toBe(true);
    expect(cleared.attributes.get('path')).toBe('/');
    expect(cleared.attributes.has('domain')).toBe(false);
    // The browser's HTTP cache goes with the session (a shared tablet's next user sees nothing of it).
    expect(logout.headers['clear-site-data']).toBe('"cache"');
  });
});

describe('session lifetimes', () => {
  it('renews the sliding TTL with use but never past the absolute lifetime', async () => {
    const account = await addUser(redis);
    const api = new ApiClient(shortLived.url);
    await api.login(account.username);
    expect(await redis.ttl(keyOf(api))).toBeLessThanOrEqual(60);
    await redis.expire(keyOf(api), 5);
    expect((await api.get('/api/me')).status).toBe(200);
    const renewed = await redis.ttl(keyOf(api));
    expect(renewed).toBeGreaterThan(5);
    expect(renewed).toBeLessThanOrEqual(60);
  });

  it('ends a session past its absolute deadline, however recently used: pushes checked by the write script, and every route', async () => {
    const { anne, conversationId } = await started.pair();
    const send = (body: string) => {
      const id = newId();
      return anne.api.request('POST', '/api/sync/push', {
        body: { deviceId: 'd', mutations: [{ id, kind: 'message.send', args: { conversationId, messageId: id, body } }] },
      });
    };
    const key = keyOf(anne.api);
    const deadlineIn = (seconds: number) => redis.set(key, `${anne.user.id} ${Math.floor(Date.now() / 1000) + seconds}`, 'KEEPTTL');
    await deadlineIn(100);
    expect((await send('avant la limite')).status).toBe(200);
    // The deadline passes while the sliding TTL still runs (as after seven days of daily use).
    await deadlineIn(-1);
    // This gateway knows the session: the push is not looked up first, its script checks it.
    expect((await send('après la limite')).status).toBe(401);
    expect(await redis.hget(`{c:${conversationId}}:meta`, 'seq')).toBe('1');
    await deadlineIn(-1);
    expect((await anne.api.get('/api/me')).status).toBe(401);
    expect(await redis.exists(key)).toBe(0);
  });
});

describe('sign-in', () => {
  it('issues a new token each time and ends the one the device presented', async () => {
    const account = await addUser(redis);
    const device = new ApiClient(started.url);
    await device.login(account.username);
    const first = device.cookie;
    await device.login(account.username);
    expect(device.cookie).not.toBe(first);
    expect((await device.get('/api/me')).status).toBe(200);
    const replayed = new ApiClient(started.url);
    replayed.cookie = first;
    expect((await replayed.get('/api/me')).status).toBe(401);
  });

  it('ends a token planted before sign-in even when it is another user\'s', async () => {
    const planted = await started.signIn();
    const victim = await addUser(redis);
    const device = new ApiClient(started.url);
    device.cookie = planted.api.cookie;
    await device.login(victim.username);
    expect((await planted.api.get('/api/me')).status).toBe(401);
  });
});
