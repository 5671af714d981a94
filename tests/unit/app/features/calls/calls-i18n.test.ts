import { describe, expect, it } from 'vitest';
import { expectMatchingCatalogues } from '../../catalogue-kit.ts';
import { CALL_OUTCOMES } from '../../../../../src/shared/calls.ts';
import { callsEn } from '../../../../../src/app/features/calls/calls-en.ts';
import { callsFr } from '../../../../../src/app/features/calls/calls-fr.ts';
import { formatDuration, tCall } from '../../../../../src/app/features/calls/calls-i18n.ts';

describe('calls catalogues', () => {
  it('have the same keys and placeholders in French and English, none empty', () => {
    expectMatchingCatalogues(callsFr, callsEn);
  });

  it('name every call outcome in both languages', () => {
    for (const outcome of CALL_OUTCOMES) {
      expect(callsFr).toHaveProperty(`outcome.${outcome}`);
      expect(callsEn).toHaveProperty(`ended.${outcome}`);
    }
  });

  it('says a refused camera in French with a way out', () => {
    expect(tCall('media.denied', undefined, 'fr')).toContain('l’autorisation a été refusée');
    expect(tCall('media.audioOnly', undefined, 'fr')).toBe('Continuer en audio seul');
    expect(tCall('ended.answeredElsewhere', undefined, 'fr')).toBe('Répondu sur un autre appareil');
  });
});

describe('formatDuration()', () => {
  it('formats durations as m:ss and h:mm:ss', () => {
    expect([formatDuration(0), formatDuration(75), formatDuration(3_725)]).toEqual(['0:00', '1:15', '1:02:05']);
  });
});
