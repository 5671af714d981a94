import { translator } from '../../core/i18n/translator.ts';
import { callsEn } from './calls-en.ts';
import { callsFr, type CallMessageKey } from './calls-fr.ts';

/** `t()` for the calls screens' own catalogue (loaded with the calls chunk only). */
export const tCall = translator<CallMessageKey>({ fr: callsFr, en: callsEn });

/** A duration as m:ss (or h:mm:ss). */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
