import { describe, expect, it } from 'vitest';
import { Role } from '../../../../../src/shared/model.ts';
import { expectMatchingCatalogues } from '../../catalogue-kit.ts';
import { adminEn } from '../../../../../src/app/features/admin/admin-en.ts';
import { adminFr } from '../../../../../src/app/features/admin/admin-fr.ts';
import { tAdmin } from '../../../../../src/app/features/admin/admin-i18n.ts';

describe('admin console catalogue', () => {
  it('has the same keys and placeholders in French and English, none empty', () => {
    expectMatchingCatalogues(adminFr, adminEn);
  });

  it('names every role of the contract, French first', () => {
    for (const role of Role.options) expect(tAdmin(`role.${role}`, undefined, 'fr')).not.toBe(`role.${role}`);
    expect(tAdmin('role.nurse', undefined, 'fr')).toBe('Infirmier·e');
    expect(tAdmin.count('users.count', 2, 'en')).toBe('2 accounts');
  });
});
