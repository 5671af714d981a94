import { describe, expect, it } from 'vitest';
import { originAllowed } from '../../../../src/server/auth/origin.ts';
import { hashPassword, verifyPassword } from '../../../../src/server/auth/password.ts';
import { foldText } from '../../../../src/server/store/users.ts';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one, with a random salt per hash', async () => {
    const a = await hashPassword('relais-demo');
    const b = await hashPassword('relais-demo');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('relais-demo', a)).toBe(true);
    expect(await verifyPassword('relais-demO', a)).toBe(false);
  });

  it('never matches a malformed stored hash', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$16384$8$1$c2FsdA$')).toBe(false);
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
