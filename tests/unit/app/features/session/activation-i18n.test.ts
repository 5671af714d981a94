import { describe, expect, it } from 'vitest';
import { expectMatchingCatalogues } from '../../catalogue-kit.ts';
import { activationEn } from '../../../../../src/app/features/session/activation-en.ts';
import { activationFr } from '../../../../../src/app/features/session/activation-fr.ts';
import { tActivation } from '../../../../../src/app/features/session/activation-i18n.ts';

describe('activation form catalogue', () => {
  it('has the same keys and placeholders in French and English, none empty', () => {
    expectMatchingCatalogues(activationFr, activationEn);
  });

  it('speaks French first', () => {
    expect(tActivation('activate.code', undefined, 'fr')).toBe('Code d’activation');
    expect(tActivation('activate.code', undefined, 'en')).toBe('Activation code');
  });
});
