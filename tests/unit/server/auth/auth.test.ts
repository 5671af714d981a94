import { describe, expect, it } from 'vitest';
import { originAllowed } from '../../../../src/server/auth/origin.ts';
import { dummyHash, hashPassword, needsRehash, PASSWORD_PARAMS, verifyPassword } from '../../../../src/server/auth/password.ts';
import { foldText } from '../../../../src/server/store/users.ts';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('hashes at OWASP\'s scrypt parameters (N=2^17, r=8, p=1) and verifies such a hash', async () => {
    expect(PASSWORD_PARAMS).toEqual({ N: 131_072, r: 8, p: 1 });
    const stored = await hashPassword('relais-demo');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('relais-demo', stored)).toBe(true);
  });

  it('verifies the right password and refuses a wrong one, with a random salt per hash, at the parameters the hash carries', async () => {
    const a = await hashPassword('relais-demo', CHEAP);
    const b = await hashPassword('relais-demo', CHEAP);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('relais-demo', a)).toBe(true);
    expect(await verifyPassword('relais-demO', a)).toBe(false);
  });

  it('never matches a malformed stored hash, nor one whose parameters would take gigabytes', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$16384$8$1$c2FsdA$')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1000$8$1$c2FsdA$aGFzaA')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdA$aGFzaA')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1024$64$1$c2FsdA$aGFzaA')).toBe(false);
  });

  it('asks for a rehash of a hash weaker than the parameters on any of N, r, p, or malformed', async () => {
    expect(needsRehash('scrypt$16384$8$1$c2FsdA$aGFzaA')).toBe(true);
    expect(needsRehash('scrypt$131072$4$1$c2FsdA$aGFzaA')).toBe(true);
    expect(needsRehash('scrypt$131072$8$1$c2FsdA$aGFzaA')).toBe(false);
    expect(needsRehash('scrypt$262144$8$1$c2FsdA$aGFzaA')).toBe(false);
    expect(needsRehash('scrypt$1024$8$1$c2FsdA$aGFzaA', CHEAP)).toBe(false);
    expect(needsRehash('plain')).toBe(true);
  });

  it('keeps one dummy hash per parameters, at those parameters (unknown usernames cost as much as real ones)', async () => {
    const dummy = await dummyHash(CHEAP);
    expect(dummy).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await dummyHash(CHEAP)).toBe(dummy);
  });
});

describe('originAllowed()', () => {
  const request = { protocol: 'http', host: '127.0.0.1:8080' };

  it('accepts the request own origin and configured ones', () => {
    expect(originAllowed('http://127.0.0.1:8080', request, [])).toBe(true);
    expect(originAllowed('https://relais.clinique.fr', request, ['https://relais.clinique.fr'])).toBe(true);
  });

  it('refuses a missing, null, foreign or other-scheme origin', () => {
    expect(originAllowed(undefined, request, [])).toBe(false);
    expect(originAllowed('null', request, [])).toBe(false);
    expect(originAllowed('http://evil.example', request, [])).toBe(false);
    expect(originAllowed('https://127.0.0.1:8080', request, [])).toBe(false);
  });
});

describe('foldText()', () => {
  it('ignores accents and case', () => {
    expect(foldText('Thérèse MOREAU')).toBe('therese moreau');
  });
});
