import { signal } from '@preact/signals';

export type Lang = 'fr' | 'en';

const STORAGE_KEY = 'relais.lang';

/**
 * The language to use: the one the user picked (stored), else English only when the browser asks for
 * it, else French — Relais speaks French first.
 */
export function detectLang(stored: string | null, navigatorLanguage: string | undefined): Lang {
  if (stored === 'fr' || stored === 'en') return stored;
  return navigatorLanguage?.toLowerCase().startsWith('en') ? 'en' : 'fr';
}

function readStoredLang(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    // Storage can be refused (privacy settings): fall back to the browser language.
    return null;
  }
}

/** The current UI language; components reading it re-render when it changes. */
export const lang = signal<Lang>(detectLang(readStoredLang(), globalThis.navigator?.language));

/** Switch the UI language and remember the choice on this device. */
export function setLang(next: Lang): void {
  lang.value = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // Not persisted: the choice still holds for this page.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

/** The Intl locale of a language. */
export function locale(l: Lang = lang.value): string {
  return l === 'fr' ? 'fr-FR' : 'en-GB';
}
