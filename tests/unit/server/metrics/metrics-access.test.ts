import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, metricsCallerAllowed } from '../../../../src/server/metrics/metrics-access.ts';
import { loadMetricsConfig } from '../../../../src/server/metrics/metrics-config.ts';

const TOKEN = 'scraper-secret-0123456789abcdef';

describe('isLoopbackAddress()', () => {
  it('knows 127.0.0.0/8, ::1 and their IPv4-mapped forms, and nothing else', () => {
    for (const address of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of ['10.0.0.5', '203.0.113.7', '::ffff:10.0.0.5', 'fe80::1', '', undefined]) expect(isLoopbackAddress(address), String(address)).toBe(false);
  });
});

describe('metricsCallerAllowed()', () => {
  it('lets a caller on this machine in, token or not', () => {
    expect(metricsCallerAllowed({ clientAddress: '127.0.0.1', peerAddress: '127.0.0.1', authorization: undefined }, null)).toBe(true);
    expect(metricsCallerAllowed({ clientAddress: '::1', peerAddress: '::ffff:127.0.0.1', authorization: 'Bearer wrong' }, TOKEN)).toBe(true);
  });

  it('refuses a loopback client address that came through a peer elsewhere (a proxy trusted on another machine, or a hop count fooled)', () => {
    expect(metricsCallerAllowed({ clientAddress: '127.0.0.1', peerAddress: '10.0.0.5', authorization: undefined }, TOKEN)).toBe(false);
  });

  it('refuses a remote client forwarded by a proxy on this machine, unless it presents the token as a Bearer', () => {
    const remote = { clientAddress: '203.0.113.7', peerAddress: '127.0.0.1' };
    expect(metricsCallerAllowed({ ...remote, authorization: undefined }, TOKEN)).toBe(false);
    expect(metricsCallerAllowed({ ...remote, authorization: `Bearer ${TOKEN}` }, TOKEN)).toBe(true);
    expect(metricsCallerAllowed({ ...remote, authorization: `bearer ${TOKEN}` }, TOKEN)).toBe(true);
    for (const authorization of [`Bearer ${TOKEN.slice(1)}`, `Bearer ${TOKEN}0`, `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`, 'Bearer ']) {
      expect(metricsCallerAllowed({ ...remote, authorization }, TOKEN), authorization).toBe(false);
    }
  });

  it('refuses every remote client when no token is configured', () => {
    expect(metricsCallerAllowed({ clientAddress: '203.0.113.7', peerAddress: '203.0.113.7', authorization: 'Bearer null' }, null)).toBe(false);
  });
});

describe('loadMetricsConfig()', () => {
  it('reads METRICS_TOKEN and RELAIS_METRICS_REDIS_SAMPLE, with loopback only and 10 % timed by default', () => {
    expect(loadMetricsConfig({})).toEqual({ token: null, redisTimingShare: 0.1 });
    expect(loadMetricsConfig({ METRICS_TOKEN: ` ${TOKEN} `, RELAIS_METRICS_REDIS_SAMPLE: '1' })).toEqual({ token: TOKEN, redisTimingShare: 1 });
  });

  it('refuses a token shorter than 16 characters and a share outside 0–1', () => {
    expect(() => loadMetricsConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    for (const share of ['-0.1', '1.5', 'most']) expect(() => loadMetricsConfig({ RELAIS_METRICS_REDIS_SAMPLE: share }), share).toThrow(/RELAIS_METRICS_REDIS_SAMPLE/);
  });
});
