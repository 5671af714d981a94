import { createHash, timingSafeEqual } from 'node:crypto';
import proxyAddr from '@fastify/proxy-addr';

/** 127.0.0.0/8 and ::1 (IPv4-mapped forms included), as proxy-addr reads `loopback`. */
const loopback = proxyAddr.compile('loopback');

/** True for a loopback address. */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && address !== '' && loopback(address, 0);
}

/** Who asks for the metrics, as the gateway sees them. */
export interface MetricsCaller {
  /** The client address as TRUST_PROXY resolves it (Fastify's `request.ip`). */
  clientAddress: string;
  /** The TCP peer: the caller itself, or the proxy in front of it. */
  peerAddress: string | undefined;
  /** The `Authorization` header. */
  authorization: string | undefined;
}

/**
 * A loopback caller, or one presenting the token. Loopback means both the TCP peer and the client
 * address are on this machine: a remote caller's forged `X-Forwarded-For: 127.0.0.1` is believed
 * only from a trusted proxy, which appends the real address (the client address is then that one),
 * and a proxy trusted elsewhere than on this machine is not this machine's loopback.
 */
export function metricsCallerAllowed(caller: MetricsCaller, token: string | null): boolean {
  if (isLoopbackAddress(caller.peerAddress) && isLoopbackAddress(caller.clientAddress)) return true;
  if (token === null) return false;
  const presented = /^Bearer +(\S+) *$/i.exec(caller.authorization ?? '')?.[1];
  return presented !== undefined && sameSecret(presented, token);
}

/** Compares in constant time (over digests: the lengths never leak either). */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
