import { describe, expect, it } from 'vitest';
import { hostAllowed, hostnameOf, parseAllowedHosts } from '../../../../src/server/http/host-allowlist.ts';

describe('parseAllowedHosts()', () => {
  it('always allows the loopback names, then the hosts of ALLOWED_ORIGINS and ALLOWED_HOSTS', () => {
    expect(parseAllowedHosts(undefined, [])).toEqual(['localhost', '*.localhost', '127.0.0.1', '[::1]']);
    expect(parseAllowedHosts(' Relais.Clinique.LAN , *.relais.test', ['https://public.example:8443'])).toEqual([
      'localhost',
      '*.localhost',
      '127.0.0.1',
      '[::1]',
      'public.example',
      'relais.clinique.lan',
      '*.relais.test',
    ]);
  });

  it('refuses an entry with a scheme, a port or a bare wildcard, naming it', () => {
    expect(() => parseAllowedHosts('https://relais.lan', [])).toThrow(/"https:\/\/relais.lan"/);
    expect(() => parseAllowedHosts('relais.lan:8443', [])).toThrow(/ALLOWED_HOSTS/);
    expect(() => parseAllowedHosts('*', [])).toThrow(/ALLOWED_HOSTS/);
  });
});

describe('hostAllowed()', () => {
  const allowed = parseAllowedHosts('relais.clinique.lan,*.relais.test', []);

  it('accepts the allowed names on any port, case and trailing dot aside', () => {
    for (const host of ['127.0.0.1:8080', 'localhost', 'LOCALHOST:3000', '[::1]:8080', 'tab-1.localhost:8080', 'relais.clinique.lan.', 'a.b.relais.test:443']) {
      expect(hostAllowed(host, allowed), host).toBe(true);
    }
  });

  it('refuses another name, a missing Host, and the bare name under a wildcard', () => {
    for (const host of [undefined, '', 'evil.example', 'evil.example:8080', 'localhost.evil.example', 'relais.test', '.relais.test', '127.0.0.2', '[::2]:80', '[::1']) {
      expect(hostAllowed(host, allowed), String(host)).toBe(false);
    }
  });
});

describe('hostnameOf()', () => {
  it('keeps the name of a Host header, brackets of an IPv6 literal included', () => {
    expect(hostnameOf('[::1]:8080')).toBe('[::1]');
    expect(hostnameOf('Relais.Lan.:443')).toBe('relais.lan');
    expect(hostnameOf('127.0.0.1')).toBe('127.0.0.1');
  });
});
