import type { Lang } from './lang.ts';

const LOCALES: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(l: Lang, kind: 'day' | 'dayYear'): Intl.DateTimeFormat {
  const cacheKey = `${l}:${kind}`;
  let f = formatters.get(cacheKey);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = kind === 'day' ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' };
    f = new Intl.DateTimeFormat(LOCALES[l], options);
    formatters.set(cacheKey, f);
  }
  return f;
}

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * A message or list time: "14:32" today, "12 nov." on another day of this year, "12 nov. 2024" for
 * older years (local time zone of the device).
 */
export function formatMessageTime(time: number, now: number, l: Lang): string {
  const date = new Date(time);
  const today = new Date(now);
  // "14:32" in both languages (fr-FR and en-GB write hours 00–23 with two digits): built by hand,
  // the first Intl formatter of a page costs tens of milliseconds at a slow tablet's first paint.
  if (date.toDateString() === today.toDateString()) return `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`;
  return formatter(l, date.getFullYear() === today.getFullYear() ? 'day' : 'dayYear').format(date);
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * A number as the language writes it: "893,2" and "1 234" (narrow no-break space) in French,
 * "893.2" and "1,234" in English; `fractionDigits` fixes the digits after the decimal sign.
 */
export function formatNumber(value: number, l: Lang, fractionDigits = 0): string {
  // Counts under 1,000 read the same in both languages: no Intl object for them (see formatMessageTime).
  if (fractionDigits === 0 && Number.isInteger(value) && value >= 0 && value < 1000) return String(value);
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
