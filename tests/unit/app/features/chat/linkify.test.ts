import { describe, expect, it } from 'vitest';
import { linkify } from '../../../../../src/app/features/chat/linkify.ts';

describe('linkify()', () => {
  it('turns http(s) and www addresses into links and leaves everything else as text', () => {
    expect(linkify('Voir https://hopital.fr/cr. Merci')).toEqual([
      { text: 'Voir ' },
      { text: 'https://hopital.fr/cr', href: 'https://hopital.fr/cr' },
      { text: '. Merci' },
    ]);
    expect(linkify('www.has-sante.fr')).toEqual([{ text: 'www.has-sante.fr', href: 'https://www.has-sante.fr' }]);
  });

  it('never makes a link of javascript: or of HTML', () => {
    const parts = linkify('<a href="javascript:alert(1)">x</a> javascript:alert(1)');
    expect(parts.every((part) => !('href' in part))).toBe(true);
    expect(parts.map((p) => p.text).join('')).toBe('<a href="javascript:alert(1)">x</a> javascript:alert(1)');
  });
});
