import { describe, expect, it } from 'vitest';
import { expectMatchingCatalogues } from '../../catalogue-kit.ts';
import { deviceEn } from '../../../../../src/app/features/device/device-en.ts';
import { deviceFr } from '../../../../../src/app/features/device/device-fr.ts';
import { tDevice } from '../../../../../src/app/features/device/device-i18n.ts';

describe('device screens catalogue (settings, lock)', () => {
  it('has the same keys and placeholders in French and English, none empty', () => {
    expectMatchingCatalogues(deviceFr, deviceEn);
  });

  it('speaks French first and fills placeholders', () => {
    expect(tDevice('lock.warning', { seconds: 30 }, 'fr')).toBe('Sans activité, l’écran se verrouille dans 30 secondes.');
    expect(tDevice('lock.extend', undefined, 'en')).toBe('Stay signed in');
  });
});
