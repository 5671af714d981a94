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
