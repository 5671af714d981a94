import { expect } from 'vitest';

/** The `{name}` placeholders of a sentence, sorted. */
function placeholders(text: string): string[] {
  return (text.match(/\{\w+\}/g) ?? []).sort();
}

/** Asserts a French/English catalogue pair has the same keys and placeholders, and no empty sentence. */
export function expectMatchingCatalogues(fr: Readonly<Record<string, string>>, en: Readonly<Record<string, string>>): void {
  expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  for (const [key, sentence] of Object.entries(fr)) {
    expect(sentence.trim(), key).not.toBe('');
    expect((en[key] ?? '').trim(), key).not.toBe('');
    expect(placeholders(en[key] ?? ''), key).toEqual(placeholders(sentence));
  }
}
