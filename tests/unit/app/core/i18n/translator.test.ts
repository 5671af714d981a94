import { describe, expect, it } from 'vitest';
import { fill, pluralForm, translator } from '../../../../../src/app/core/i18n/translator.ts';

describe('fill()', () => {
  it('fills every placeholder it has a value for and leaves the others visible', () => {
    expect(fill('{name} a lu {count}/{total}', { name: 'Dr Martin', count: 2 })).toBe('Dr Martin a lu 2/{total}');
    expect(fill('Bonjour {name}')).toBe('Bonjour {name}');
  });
});

describe('pluralForm()', () => {
  it('follows each language’s plural rules: French singular for 0 and 1, English for 1 only', () => {
    expect([0, 1, 1.5, 2, 1_000_000].map((n) => pluralForm(n, 'fr'))).toEqual(['one', 'one', 'one', 'other', 'other']);
    expect([0, 1, 2].map((n) => pluralForm(n, 'en'))).toEqual(['other', 'one', 'other']);
  });
});

describe('translator()', () => {
  const t = translator({
    fr: { 'greeting': 'Bonjour {name}', 'missed.one': '{count} appel manqué', 'missed.other': '{count} appels manqués' },
    en: { 'greeting': 'Hello {name}', 'missed.one': '{count} missed call', 'missed.other': '{count} missed calls' },
  });

  it('gives any catalogue the same interpolation, in the language asked', () => {
    expect(t('greeting', { name: 'Anne' }, 'fr')).toBe('Bonjour Anne');
    expect(t('greeting', { name: 'Anne' }, 'en')).toBe('Hello Anne');
  });

  it('counts with the plural form of the language', () => {
    expect([0, 1, 3].map((n) => t.count('missed', n, 'fr'))).toEqual(['0 appel manqué', '1 appel manqué', '3 appels manqués']);
    expect([0, 1, 3].map((n) => t.count('missed', n, 'en'))).toEqual(['0 missed calls', '1 missed call', '3 missed calls']);
  });

  it('writes the count as the language writes numbers', () => {
    expect(t.count('missed', 1500, 'fr')).toBe('1\u202f500 appels manqués');
    expect(t.count('missed', 1500, 'en')).toBe('1,500 missed calls');
  });
});

describe('plural forms of whole numbers', () => {
  it('match Intl.PluralRules in both languages', () => {
    for (const l of ['fr', 'en'] as const) {
      const rules = new Intl.PluralRules(l === 'fr' ? 'fr-FR' : 'en-GB');
      for (const n of [0, 1, 2, 3, 10, 21, 101, 1000, 1_000_000]) expect(pluralForm(n, l)).toBe(rules.select(n) === 'one' ? 'one' : 'other');
      expect(pluralForm(1.5, l)).toBe(rules.select(1.5) === 'one' ? 'one' : 'other');
    }
  });
});
