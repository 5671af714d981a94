import { describe, expect, it } from 'vitest';
import { StaffRole } from '../../../../../src/shared/oncall.ts';
import { expectMatchingCatalogues } from '../../catalogue-kit.ts';
import { oncallEn } from '../../../../../src/app/features/admin/oncall-en.ts';
import { oncallFr } from '../../../../../src/app/features/admin/oncall-fr.ts';
import { tOncall } from '../../../../../src/app/features/admin/oncall-i18n.ts';

describe('"Gardes et fonctions" catalogue', () => {
  it('has the same keys and placeholders in French and English, none empty', () => {
    expectMatchingCatalogues(oncallFr, oncallEn);
  });

  it('names every role that may hold a function and every weekday, French first', () => {
    for (const role of StaffRole.options) expect(tOncall(`oncall.role.${role}`, undefined, 'fr')).not.toBe(`oncall.role.${role}`);
    expect(tOncall('oncall.day.1', undefined, 'fr')).toBe('Lundi');
    expect(tOncall('oncall.heldBy', { name: 'Dr Anne Martin' }, 'en')).toBe('On call: Dr Anne Martin');
  });
});
