import { describe, expect, it } from 'vitest';
import { expectMatchingCatalogues } from '../../catalogue-kit.ts';
import { chatEn } from '../../../../../src/app/core/i18n/chat-en.ts';
import { chatFr } from '../../../../../src/app/core/i18n/chat-fr.ts';
import { tChat } from '../../../../../src/app/core/i18n/chat.ts';

describe('conversation screen catalogue (receipts, typing, actions, groups, search, stats)', () => {
  it('has the same keys and placeholders in French and English, none empty', () => {
    expectMatchingCatalogues(chatFr, chatEn);
  });

  it('says who is typing and how many read, in French first', () => {
    expect(tChat('chat.typing', { name: 'Dr Martin' }, 'fr')).toBe('Dr Martin écrit…');
    expect(tChat('chat.readByCount', { count: 2, total: 4 }, 'fr')).toBe('Lu par 2/4');
    expect(tChat('chat.delivered', undefined, 'en')).toBe('Delivered');
    expect(tChat('composer.counter', { count: 7950, max: 8000 }, 'fr')).toBe('7950 / 8000');
    expect(tChat('composer.counter', { count: 3 }, 'en')).toBe('3 / {max}');
  });
});
