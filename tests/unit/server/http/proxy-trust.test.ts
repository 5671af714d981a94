import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../../../src/server/core/core-config.ts';
import { parseTrustProxy, rawRequestOrigin, trustFunction } from '../../../../src/server/http/proxy-trust.ts';

function upgradeFrom(remoteAddress: string, headers: Record<string, string>): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('parseTrustProxy()', () => {
  it('trusts nobody by default, a hop count, or a list of addresses and ranges', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('loopback, 10.0.0.0/8 ,192.168.1.5')).toEqual(['loopback', '10.0.0.0/8', '192.168.1.5']);
  });

  it('refuses "trust everything" and an address that is not one', () => {
    expect(() => parseTrustProxy('true')).toThrow(/not everything/);
    expect(() => parseTrustProxy('*')).toThrow(/not everything/);
    expect(() => parseTrustProxy('proxy.clinique.lan')).toThrow(/TRUST_PROXY/);
    expect(() => loadCoreConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });
});

describe('trustFunction()', () => {
  it('trusts the nearest hops of a count, and only the listed addresses of a list', () => {
    expect(trustFunction(false)).toBe(false);
    const hops = trustFunction(1);
    expect(hops && [hops('203.0.113.9', 0), hops('203.0.113.9', 1)]).toEqual([true, false]);
    const listed = trustFunction(['loopback', '10.0.0.0/8']);
    expect(listed && [listed('127.0.0.1', 0), listed('10.2.3.4', 1), listed('192.168.1.5', 0)]).toEqual([true, true, false]);
  });
});

describe('rawRequestOrigin()', () => {
  const headers = { host: '127.0.0.1:8080', 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'evil.example, relais.clinique.lan' };

  it('reads the forwarded scheme and host (the nearest proxy\'s) only from a trusted peer', () => {
    expect(rawRequestOrigin(upgradeFrom('127.0.0.1', headers), trustFunction(['loopback']))).toEqual({ protocol: 'https', host: 'relais.clinique.lan' });
    expect(rawRequestOrigin(upgradeFrom('192.168.1.9', headers), trustFunction(['loopback']))).toEqual({ protocol: 'http', host: '127.0.0.1:8080' });
    expect(rawRequestOrigin(upgradeFrom('127.0.0.1', headers), false)).toEqual({ protocol: 'http', host: '127.0.0.1:8080' });
  });
});
