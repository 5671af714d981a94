import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/**
 * Which reverse proxies the gateway believes (`TRUST_PROXY`): none, the nearest `hops` ones, or
 * those at these addresses (IPs, CIDR ranges, or proxy-addr's names `loopback`, `linklocal`,
 * `uniquelocal`). Only a trusted peer's `X-Forwarded-For/-Proto/-Host` count: the client address
 * (login slowdown per IP), the scheme (cookie, HSTS, Origin) and the host (Host allowlist, Origin).
 */
export type TrustProxy = false | number | readonly string[];

/** `(address, hop) → trusted`, as Fastify and proxy-addr take it (hop 0: the socket's peer). */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * Reads `TRUST_PROXY`: unset, empty or `0` trusts nobody; a whole number trusts that many hops; else
 * a comma-separated list of addresses or ranges. `true` is refused: trusting every peer lets any
 * client that reaches the gateway claim another address or https.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (text === '' || text === '0' || text === 'false') return false;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.some((entry) => entry === 'true' || entry === '*')) {
    throw new Error('TRUST_PROXY must be a hop count or the proxies\' addresses (e.g. loopback or 10.0.0.5,10.1.0.0/16), not everything');
  }
  try {
    proxyAddr.compile(entries);
  } catch (err) {
    throw new Error(`TRUST_PROXY: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return entries;
}

/**
 * The trust function for Fastify and for raw upgrade requests; false when no proxy is trusted.
 * A hop count trusts the nearest `hops` addresses, as Express does (Fastify 5 turns a bare number
 * into "trust nobody"): only right when every client comes through those proxies.
 */
export function trustFunction(trust: TrustProxy): TrustFunction | false {
  if (trust === false || trust === 0) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile([...trust]);
}

/** The last value of a header a chain of proxies appended to (the nearest proxy's). */
function lastForwarded(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.split(',').pop()?.trim() ?? '';
}

/**
 * Scheme and host of a raw request (the WebSocket upgrade, which Fastify does not see), read exactly
 * as Fastify reads `request.protocol` and `request.host`: the forwarded ones only from a trusted peer.
 */
export function rawRequestOrigin(request: IncomingMessage, trust: TrustFunction | false): { protocol: string; host: string } {
  const encrypted = Boolean((request.socket as { encrypted?: boolean }).encrypted);
  const peer = request.socket.remoteAddress;
  const trusted = trust !== false && peer !== undefined && trust(peer, 0);
  const forwardedProto = trusted ? lastForwarded(request.headers['x-forwarded-proto']) : '';
  const forwardedHost = trusted ? lastForwarded(request.headers['x-forwarded-host']) : '';
  return {
    protocol: forwardedProto || (encrypted ? 'https' : 'http'),
    host: forwardedHost || request.headers.host || '',
  };
}
