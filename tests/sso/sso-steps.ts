/**
 * A browser's part of a single sign-on, over plain HTTP: follow the gateway's start to the provider,
 * sign in on its login form, and come back to the gateway's callback — each side's cookies kept
 * apart, as a browser keeps them per site.
 */

export class CookieJar {
  readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', this.header());
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.take(response);
    return response;
  }
}

function locationOf(response: Response, base: string): string {
  const location = response.headers.get('location');
  if (!location) throw new Error(`no redirect from ${base}: ${response.status}`);
  return new URL(location, base).href;
}

/** What a sign-in came back with: the provider's redirect to the gateway's callback. */
export interface ProviderAnswer {
  /** The gateway's callback URL with code, state and iss. */
  callback: string;
}

/**
 * Goes from `GET /api/auth/oidc/start` (with `gateway`'s cookies) to the provider's answer, signing
 * in as `login` at level `acr`; the callback is not visited (tests replay or tamper with it).
 */
export async function signInAtProvider(gatewayUrl: string, gateway: CookieJar, login: string, options: { acr?: string; start?: string } = {}): Promise<ProviderAnswer> {
  const provider = new CookieJar();
  const start = await gateway.get(`${gatewayUrl}${options.start ?? '/api/auth/oidc/start'}`);
  if (start.status !== 302) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  let url = locationOf(start, gatewayUrl);
  // The authorization endpoint sends the browser to the login interaction.
  let response = await provider.get(url);
  url = locationOf(response, url);
  const page = await (await provider.get(url)).text();
  const action = /action="([^"]+)"/.exec(page)?.[1];
  if (!action) throw new Error(`no login form at the provider: ${page.slice(0, 200)}`);
  const form = new URLSearchParams({ login, acr: options.acr ?? 'eidas1' });
  response = await provider.get(new URL(action, url).href, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  url = locationOf(response, url);
  // Back to the authorization endpoint, which redirects to the gateway's callback.
  for (let hop = 0; hop < 5 && url.startsWith(new URL(start.headers.get('location') as string).origin); hop++) {
    response = await provider.get(url);
    url = locationOf(response, url);
  }
  return { callback: url };
}

/** Visits the callback with `gateway`'s cookies; answers where the gateway sent the browser (path and query). */
export async function visitCallback(gateway: CookieJar, callback: string): Promise<string> {
  const response = await gateway.get(callback);
  const location = response.headers.get('location') ?? `(status ${response.status})`;
  return location;
}
