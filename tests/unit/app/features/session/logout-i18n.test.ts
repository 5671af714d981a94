import { describe, expect, it } from 'vitest';
import { expectMatchingCatalogues } from '../../catalogue-kit.ts';
import { logoutEn } from '../../../../../src/app/features/session/logout-en.ts';
import { logoutFr } from '../../../../../src/app/features/session/logout-fr.ts';
import { tLogout } from '../../../../../src/app/features/session/logout-i18n.ts';

describe('sign-out dialog catalogue', () => {
  it('has the same keys and placeholders in French and English, none empty', () => {
    expectMatchingCatalogues(logoutFr, logoutEn);
  });

  it('counts the messages waiting to leave with the language’s plural rules', () => {
    expect(tLogout.count('logout.confirmPending', 1, 'fr')).toBe('Un message n’est pas encore parti. Se déconnecter le supprimera de cet appareil.');
    expect(tLogout.count('logout.confirmPending', 3, 'fr')).toContain('({count})'.replace('{count}', '3'));
    expect(tLogout.count('logout.confirmPending', 1, 'en')).toContain('One message');
    expect(tLogout.count('logout.confirmPending', 2, 'en')).toContain('(2)');
  });
});
