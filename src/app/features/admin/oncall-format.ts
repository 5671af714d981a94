import type { FunctionEntry } from '../../../shared/oncall.ts';
import { RelaisError } from '../../../shared/errors.ts';
import { lang, locale, tError } from '../../core/i18n/index.ts';
import { tOncall as t } from './oncall-i18n.ts';

/** The clinic's time zone: the rota's times are Paris times wherever the console is opened. */
const CLINIC_TIME_ZONE = 'Europe/Paris';
const formatters = new Map<string, Intl.DateTimeFormat>();

/** An instant as the rota speaks of it: "lun. 7 déc., 20:00" (Paris time). */
export function formatRotaTime(at: number): string {
  const key = lang.value;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat(locale(), { timeZone: CLINIC_TIME_ZONE, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
    formatters.set(key, formatter);
  }
  return formatter.format(at);
}

/** "De garde : Dr Anne Martin, jusqu'au lun. 7 déc., 20:00 (remplacement)", or who is not. */
export function holderLine(entry: Pick<FunctionEntry, 'holder' | 'source' | 'until'>): string {
  const date = entry.until === null ? null : formatRotaTime(entry.until);
  if (entry.holder === null) return date === null ? t('oncall.vacant') : t('oncall.vacantUntil', { date });
  const name = entry.holder.displayName;
  const line = date === null ? t('oncall.heldBy', { name }) : t('oncall.heldUntil', { name, date });
  return entry.source === 'override' || entry.source === 'handover' ? `${line} (${t(`oncall.source.${entry.source}`)})` : line;
}

/** The `datetime-local` value of an instant in the device's time zone, and back. */
export function fromLocalInput(value: string): number {
  return new Date(value).getTime();
}

/**
 * The sentence for a failed rota change: the gateway answers `bad_request` (overlapping slots, dates
 * out of range) and `user_not_found` (a holder who may not hold the function) to what the console
 * sends, so it says what those mean here; other codes as the shell says them.
 */
export function tRotaError(error: unknown): string {
  if (!(error instanceof RelaisError)) return tError(error);
  if (error.code === 'bad_request') return t('oncall.refused');
  if (error.code === 'user_not_found') return t('oncall.notEligible');
  return tError(error);
}
