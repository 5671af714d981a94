import { describe, expect, it } from 'vitest';
import { deviceEn } from '../../../../../src/app/features/device/device-en.ts';
import { deviceFr } from '../../../../../src/app/features/device/device-fr.ts';
import { tDevice } from '../../../../../src/app/features/device/device-i18n.ts';

describe('device screens catalogue (settings, lock)', () => {
  it('has the same keys and placeholders in French and English, none empty', () => {
    expect(Object.keys(deviceEn).sort()).toEqual(Object.keys(deviceFr).sort());
    const placeholders = (text: string): string[] => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(deviceFr) as (keyof typeof deviceFr)[]) {
      expect(deviceFr[key].trim(), key).not.toBe('');
      expect(placeholders(deviceEn[key]), key).toEqual(placeholders(deviceFr[key]));
    }
  });

  it('speaks French first and fills placeholders', () => {
    expect(tDevice('lock.warning', { seconds: 30 }, 'fr')).toBe('Sans activité, l’écran se verrouille dans 30 secondes.');
    expect(tDevice('lock.extend', undefined, 'en')).toBe('Stay signed in');
  });
});
