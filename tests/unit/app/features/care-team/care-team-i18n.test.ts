import { describe, it } from 'vitest';
import { expectMatchingCatalogues } from '../../catalogue-kit.ts';
import { careTeamEn } from '../../../../../src/app/features/care-team/care-team-en.ts';
import { careTeamFr } from '../../../../../src/app/features/care-team/care-team-fr.ts';

describe('care-team screens catalogue (patient home, admin editor)', () => {
  it('has the same keys and placeholders in French and English, none empty', () => {
    expectMatchingCatalogues(careTeamFr, careTeamEn);
  });
});
