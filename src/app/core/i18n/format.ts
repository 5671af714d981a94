import type { Lang } from './lang.ts';

const LOCALES: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(l: Lang, kind: 'time' | 'day' | 'dayYear'): Intl.DateTimeFormat {
  const cacheKey = `${l}:${kind}`;
  let f = formatters.get(cacheKey);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { hour: '2-digit', minute: '2-digit' }
        : kind === 'day'
          ? { day: 'numeric', month: 'short' }
          : { day: 'numeric', month: 'short', year: 'numeric' };
    f = new Intl.DateTimeFormat(LOCALES[l], options);
    formatters.set(cacheKey, f);
  }
  return f;
}

/**
 * A message or list time: "14:32" today, "12 nov." on another day of this year, "12 nov. 2024" for
 * older years (local time zone of the device).
 */
export function formatMessageTime(time: number, now: number, l: Lang): string {
  const date = new Date(time);
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return formatter(l, 'time').format(date);
  return formatter(l, date.getFullYear() === today.getFullYear() ? 'day' : 'dayYear').format(date);
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * A number as the language writes it: "893,2" and "1 234" (narrow no-break space) in French,
 * "893.2" and "1,234" in English; `fractionDigits` fixes the digits after the decimal sign.
 */
export function formatNumber(value: number, l: Lang, fractionDigits = 0): string {
  const cacheKey = `${l}:${fractionDigits}`;
  let f = numberFormats.get(cacheKey);
  if (!f) {
    f = new Intl.NumberFormat(LOCALES[l], { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
    numberFormats.set(cacheKey, f);
  }
  return f.format(value);
}

const BYTE_UNITS: Record<Lang, readonly string[]> = { fr: ['o', 'Ko', 'Mo', 'Go', 'To'], en: ['B', 'KB', 'MB', 'GB', 'TB'] };

/**
 * A file or storage size in binary steps (1 Ko = 1024 o): "512 o", "893,2 Ko", "1,5 Mo" in French,
 * "893.2 KB" in English (a no-break space before the unit).
 */
export function formatBytes(bytes: number, l: Lang): string {
  const units = BYTE_UNITS[l];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatNumber(value, l, unit === 0 ? 0 : 1)}\u00a0${units[unit] ?? ''}`;
}
