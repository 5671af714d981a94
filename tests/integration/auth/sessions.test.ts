import { describe, expect, it } from 'vitest';
import { ApiClient, rawRequest } from '../helpers.ts';
import { useGateway } from '../fixture.ts';

const started = useGateway();

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
  });
});
