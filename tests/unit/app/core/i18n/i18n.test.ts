import { beforeAll, describe, expect, it } from 'vitest';
import { expectMatchingCatalogues } from '../../catalogue-kit.ts';
import { ERROR_CODES, RelaisError } from '../../../../../src/shared/errors.ts';
import { en } from '../../../../../src/app/core/i18n/en.ts';
import { fr } from '../../../../../src/app/core/i18n/fr.ts';
import { loadEnglish, t, tCount, tError } from '../../../../../src/app/core/i18n/i18n.ts';
import { detectLang } from '../../../../../src/app/core/i18n/lang.ts';

describe('i18n catalogues', () => {
  it('have the same keys and placeholders in French and English, none empty', () => {
    expectMatchingCatalogues(fr, en);
  });

  it('explain every error code in both languages', () => {
    for (const code of ERROR_CODES) {
      expect(fr, code).toHaveProperty(`error.${code}`);
      expect(en, code).toHaveProperty(`error.${code}`);
    }
  });
});

describe('the shell\'s English sentences, a chunk of their own', () => {
  it('stand in French until loaded, then speak English', async () => {
    expect(t('list.you', { body: 'Merci' }, 'en')).toBe('Vous : Merci');
    await loadEnglish();
    expect(t('list.you', { body: 'Thanks' }, 'en')).toBe('You: Thanks');
  });
});

describe('t()', () => {
  beforeAll(() => loadEnglish());

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('list.you', { body: 'Merci' }, 'fr')).toBe('Vous : Merci');
    expect(t('list.you', {}, 'en')).toBe('You: {body}');
  });

  it('says the login error in French by default wording', () => {
    expect(tError(new RelaisError('invalid_credentials'), 'fr')).toBe('Identifiant ou mot de passe incorrect');
  });

  it('translates a bare code and falls back to the generic sentence for an unknown one', () => {
    expect(tError('offline', 'en')).toBe(en['error.offline']);
    expect(tError(new Error('boom'), 'fr')).toBe(fr['error.internal']);
    expect(tError({ code: 'not_a_code' }, 'fr')).toBe(fr['error.internal']);
  });
});

describe('tCount()', () => {
  beforeAll(() => loadEnglish());

  it('uses the singular for 0 and 1 in French, the plural from 2', () => {
    expect(tCount('banner.pending', 0, 'fr')).toBe('0 message en attente');
    expect(tCount('banner.pending', 1, 'fr')).toBe('1 message en attente');
    expect(tCount('banner.pending', 3, 'fr')).toBe('3 messages en attente');
  });

  it('uses the plural for 0 in English', () => {
    expect(tCount('banner.pending', 0, 'en')).toBe('0 pending messages');
    expect(tCount('banner.pending', 1, 'en')).toBe('1 pending message');
  });
});

describe('detectLang()', () => {
  it('prefers the stored choice', () => {
    expect(detectLang('en', 'fr-FR')).toBe('en');
    expect(detectLang('fr', 'en-US')).toBe('fr');
  });

  it('follows an English browser and defaults to French otherwise', () => {
    expect(detectLang(null, 'en-GB')).toBe('en');
    expect(detectLang(null, 'de-DE')).toBe('fr');
    expect(detectLang('xx', undefined)).toBe('fr');
  });
});
