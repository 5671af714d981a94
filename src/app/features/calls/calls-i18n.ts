import { lang, type Lang } from '../../core/i18n/index.ts';
import { callsEn } from './calls-en.ts';
import { callsFr, type CallMessageKey } from './calls-fr.ts';

/** `t()` for the calls screens' own catalogue (loaded with the calls chunk only). */
export function tCall(key: CallMessageKey, params?: Record<string, string | number>, l: Lang = lang.value): string {
  const template: string = (l === 'fr' ? callsFr : callsEn)[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** A duration as m:ss (or h:mm:ss). */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
