import { describe, expect, it } from 'vitest';
import { PASSWORD_PARAMS } from '../../../../src/server/auth/password.ts';
import { loadCoreConfig } from '../../../../src/server/core/core-config.ts';

describe('loadCoreConfig()', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadCoreConfig({}).host).toBe('127.0.0.1');
    expect(loadCoreConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('seeds the demo clinic by itself only on a loopback address nobody else reaches, outside production', () => {
    for (const HOST of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) expect(loadCoreConfig({ HOST }).demo, HOST).toBe(true);
    for (const HOST of ['0.0.0.0', '::', '192.168.1.10']) expect(loadCoreConfig({ HOST }).demo, HOST).toBe(false);
    // A proxy on this machine would publish a loopback gateway.
    expect(loadCoreConfig({ TRUST_PROXY: 'loopback' }).demo).toBe(false);
    expect(loadCoreConfig({ ALLOWED_HOSTS: 'relais.clinique.lan' }).demo).toBe(false);
    expect(loadCoreConfig({ ALLOWED_ORIGINS: 'https://relais.clinique.lan' }).demo).toBe(false);
    expect(loadCoreConfig({ NODE_ENV: 'production' }).demo).toBe(false);
  });

  it('seeds it when RELAIS_DEMO=1 whatever the address, never when 0, and refuses another value', () => {
    expect(loadCoreConfig({ HOST: '0.0.0.0', RELAIS_DEMO: '1' }).demo).toBe(true);
    expect(loadCoreConfig({ RELAIS_DEMO: '0' }).demo).toBe(false);
    expect(() => loadCoreConfig({ RELAIS_DEMO: 'yes' })).toThrow(/RELAIS_DEMO/);
  });

  it('has a 7-day absolute session lifetime and hashes at production\'s scrypt cost', () => {
    const config = loadCoreConfig({});
    expect(config.sessionMaxAgeSeconds).toBe(604_800);
    expect(loadCoreConfig({ SESSION_MAX_AGE_SECONDS: '3600' }).sessionMaxAgeSeconds).toBe(3_600);
    expect(config.passwordParams).toEqual(PASSWORD_PARAMS);
    expect(config.production).toBe(false);
  });
});
