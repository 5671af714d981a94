import { lang, locale, type Lang } from './lang.ts';

const unitFormats = new Map<string, Intl.NumberFormat>();

function unit(value: number, name: 'hour' | 'minute' | 'second', l: Lang): string {
  const cacheKey = `${l}:${name}`;
  let f = unitFormats.get(cacheKey);
  if (!f) {
    f = new Intl.NumberFormat(locale(l), { style: 'unit', unit: name, unitDisplay: 'short' });
    unitFormats.set(cacheKey, f);
  }
  return f.format(value);
}

/**
 * A call's length in words, as the language abbreviates units: "4 min 12 s", "1 h 5 min" in French,
 * "4 mins 12 secs", "1 hr 5 mins" in English; seconds are left out from an hour on, zero parts always
 * ("2 min", not "2 min 0 s"). Intl.NumberFormat's unit style rather than Intl.DurationFormat, which
 * tablets of a few years ago do not have. Imported only by lazily loaded chunks (the conversation).
 */
export function formatCallDuration(totalSeconds: number, l: Lang = lang.value): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const parts: string[] = [];
  if (hours > 0) parts.push(unit(hours, 'hour', l));
  if (minutes > 0) parts.push(unit(minutes, 'minute', l));
  if (hours === 0 && (seconds % 60 > 0 || parts.length === 0)) parts.push(unit(seconds % 60, 'second', l));
  return parts.join(' ');
}
