import { isErrorCode, RelaisError } from '../../../shared/errors.ts';
import { en } from './en.ts';
import { fr, type MessageKey } from './fr.ts';
import type { Lang } from './lang.ts';
import { translator } from './translator.ts';

/** The shell's catalogue (screens every session sees); lazily loaded chunks bring their own. */
const shell = translator<MessageKey>({ fr, en });

/** The sentence for `key` in the current language, `{name}` placeholders filled from `params`. */
export const t = shell;

/** A counted sentence: picks the `.one` or `.other` form (French counts 0 and 1 as singular). */
export const tCount = shell.count;

/** The sentence explaining an error: by its stable code, never by its raw message. */
export function tError(error: unknown, l?: Lang): string {
  const code = error instanceof RelaisError ? error.code : error;
  return t(isErrorCode(code) ? `error.${code}` : 'error.internal', undefined, l);
}
