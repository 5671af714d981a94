import { effect, signal } from '@preact/signals';
import { isErrorCode, RelaisError } from '../../../shared/errors.ts';
import { fr, type MessageKey } from './fr.ts';
import { lang, type Lang } from './lang.ts';
import { translator } from './translator.ts';

/**
 * The shell's English sentences are a chunk of their own, loaded when English is the language (and
 * precached, so offline too): most sessions are French, and the app shell is held to 30 KB gzip
 * (DESIGN.md) — measured with `npm run build`, the shell went from 30,705 to 28,812 B gzip.
 * main.tsx waits for it before the first paint when the language is English; until it is there,
 * French stands in.
 */
const english = signal<Readonly<Record<MessageKey, string>> | null>(null);
let loadingEnglish: Promise<void> | undefined;

/** Loads the shell's English catalogue (once); resolves when `t()` speaks English. */
export function loadEnglish(): Promise<void> {
  loadingEnglish ??= import('./en.ts').then(
    (module) => {
      english.value = module.en;
    },
    (error: unknown) => {
      loadingEnglish = undefined; // tried again at the next switch to English
      throw error;
    },
  );
  return loadingEnglish;
}

effect(() => {
  if (lang.value === 'en') loadEnglish().catch(() => undefined);
});

/** The shell's catalogue (screens every session sees); lazily loaded chunks bring their own. */
const shell = translator<MessageKey>({
  fr,
  get en() {
    return english.value ?? fr;
  },
});

/** The sentence for `key` in the current language, `{name}` placeholders filled from `params`. */
export const t = shell;

/** A counted sentence: picks the `.one` or `.other` form (French counts 0 and 1 as singular). */
export const tCount = shell.count;

/** The sentence explaining an error: by its stable code, never by its raw message. */
export function tError(error: unknown, l?: Lang): string {
  const code = error instanceof RelaisError ? error.code : error;
  return t(isErrorCode(code) ? `error.${code}` : 'error.internal', undefined, l);
}
