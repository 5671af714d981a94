/**
 * The `Host` allowlist, against DNS rebinding: a page of another site whose name an attacker points
 * at this gateway's address sends that name as `Host`, so a request naming any host but ours is
 * refused (`host_forbidden`) before it reaches a route or the WebSocket.
 */

/** Always allowed: a name only this machine answers to (browsers resolve `*.localhost` to loopback). */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '*.localhost', '127.0.0.1', '[::1]'];

const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/;

/**
 * The allowed host names: the loopback ones, the hosts of `allowedOrigins`, and `ALLOWED_HOSTS`
 * (comma-separated names; `*.example.org` allows every name under example.org, not example.org itself).
 */
export function parseAllowedHosts(value: string | undefined, allowedOrigins: readonly string[]): string[] {
  const configured = (value ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  for (const entry of configured) {
    if (!HOST_PATTERN.test(entry)) throw new Error(`ALLOWED_HOSTS: "${entry}" is not a host name (no scheme, no port; *.name for every name under it)`);
  }
  const fromOrigins = allowedOrigins.map((origin) => {
    try {
      return new URL(origin).hostname.toLowerCase();
    } catch {
      throw new Error(`ALLOWED_ORIGINS: "${origin}" is not an origin (scheme://host[:port])`);
    }
  });
  return [...new Set([...LOOPBACK_HOSTS, ...fromOrigins, ...configured])];
}

/** The name part of a `Host` header (`[::1]:8080` → `[::1]`, `Relais.Lan.:443` → `relais.lan`). */
export function hostnameOf(host: string): string {
  const lower = host.trim().toLowerCase();
  const name = lower.startsWith('[') ? lower.slice(0, lower.indexOf(']') + 1) : (lower.split(':')[0] ?? '');
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** True when the `Host` header names one of the allowed hosts (any port). */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (!host) return false;
  const name = hostnameOf(host);
  if (name === '') return false;
  return allowed.some((entry) => (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) && name.length > entry.length - 1 : name === entry));
}
