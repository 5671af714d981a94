import { signal } from '@preact/signals';
import { isErrorCode } from '../../../shared/errors.ts';
import { en } from './en.ts';
import { fr, type MessageKey } from './fr.ts';

export type Lang = 'fr' | 'en';

const STORAGE_KEY = 'relais.lang';
const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { fr, en };

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

/** The sentence for `key` in the current language, `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params?: Record<string, string | number>, l: Lang = lang.value): string {
  const template = CATALOGUES[l][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

type PluralBase = {
  [K in MessageKey]: K extends `${infer Base}.one` ? (`${Base}.other` extends MessageKey ? Base : never) : never;
}[MessageKey];

/** A counted sentence: picks the `.one` or `.other` form (French counts 0 and 1 as singular). */
export function tCount(base: PluralBase, count: number, l: Lang = lang.value): string {
  const form = new Intl.PluralRules(locale(l)).select(count) === 'one' ? 'one' : 'other';
  return t(`${base}.${form}` as MessageKey, { count }, l);
}

/** The sentence explaining an error: by its stable code, never by its raw message. */
export function tError(error: unknown, l: Lang = lang.value): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : error;
  return t(isErrorCode(code) ? `error.${code}` : 'error.internal', undefined, l);
}
