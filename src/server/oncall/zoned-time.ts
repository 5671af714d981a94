/**
 * Wall-clock time in a named time zone, with the platform's time-zone data (Intl) and no library:
 * the local date of an instant, and the instant of a local time — the two questions the rota asks.
 */

/** A calendar date (month 1–12). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Offsets by time zone and quarter-hour: every real zone changes its offset on a quarter hour. */
const offsets = new Map<string, number>();
const QUARTER_HOUR = 900_000;
const HALF_DAY = 43_200_000;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock at `at`, as the UTC instant with the same reading (so differences are offsets). */
function wallReading(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The zone's offset from UTC at `at`, in ms (Paris: +3,600,000 in winter, +7,200,000 in summer). */
export function offsetAt(at: number, timeZone: string): number {
  const quarter = Math.floor(at / QUARTER_HOUR);
  const key = `${timeZone} ${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const start = quarter * QUARTER_HOUR;
    offset = wallReading(start, timeZone) - start;
    if (offsets.size > 50_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The local date at `at`. */
export function localDateOf(at: number, timeZone: string): LocalDate {
  const reading = new Date(at + offsetAt(at, timeZone));
  return { year: reading.getUTCFullYear(), month: reading.getUTCMonth() + 1, day: reading.getUTCDate() };
}

/**
 * The instant when the local clock reads `minutes` past midnight of `date` (past 1440: a later
 * day). A time the clock skips (02:30 the night it goes forward) is the instant as far past the
 * change (03:30); a time it reads twice (02:30 the night it goes back) is its first reading.
 */
export function localToInstant(date: LocalDate, minutes: number, timeZone: string): number {
  const reading = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  // At most one change within half a day either side (true of every zone in use).
  const before = offsetAt(reading - HALF_DAY, timeZone);
  const after = offsetAt(reading + HALF_DAY, timeZone);
  const early = reading - before;
  const late = reading - after;
  const earlyReads = offsetAt(early, timeZone) === before;
  const lateReads = offsetAt(late, timeZone) === after;
  if (earlyReads && lateReads) return Math.min(early, late);
  if (earlyReads) return early;
  if (lateReads) return late;
  return early;
}
