import type { HolderSource, RotaHandover, RotaOverride, RotaSlot } from '../../shared/oncall.ts';
import { localToInstant, localDateOf, type LocalDate } from './zoned-time.ts';

/**
 * Who holds a function at an instant, and until when: pure (no Redis, no clock), so the routes, the
 * demo and later the escalation ladder ("who holds F at T") share one answer, and the tests pin it
 * on fixed instants.
 *
 *   at instant T, the holder is decided by the first rule that applies:
 *
 *     1. overrides and handovers running at T ── the one created last wins
 *        (an admin's swap made after a handover outranks it, and the other way round)
 *     2. the weekly pattern ── the slot occurrence running at T (local wall-clock times,
 *        Europe/Paris: a slot from 20:00 to 08:00 lasts 11 h on the night clocks go forward,
 *        13 h on the night they go back)
 *     3. nobody (`userId: null`): the function is vacant
 *
 *   `until` is the first later instant where that answer names someone else: found by walking
 *   the instants where anything starts or ends (slot occurrences over the next HORIZON_DAYS,
 *   every override and handover), so consecutive turns of the same person read as one.
 */

/** The clinic's time zone: the weekly pattern's times are wall-clock times there. */
export const CLINIC_TIME_ZONE = 'Europe/Paris';

/** How far ahead `until` looks; past it, a holding with no change ahead answers `until: null`. */
export const HORIZON_DAYS = 35;

const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** A function's rota as the store keeps it. */
export interface Rota {
  slots: readonly RotaSlot[];
  overrides: readonly RotaOverride[];
  handovers: readonly RotaHandover[];
}

/** Who holds the function at an instant, where that comes from, and until when (ms; null: no change ahead). */
export interface Holding {
  userId: string | null;
  source: HolderSource | null;
  until: number | null;
}

/** One occurrence of a slot: real instants (ms), its holder. */
interface Occurrence {
  start: number;
  end: number;
  userId: string;
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** A slot's length in minutes of wall-clock time: an end at or before the start is the next day's. */
function slotMinutes(slot: Pick<RotaSlot, 'start' | 'end'>): number {
  const length = (minutesOf(slot.end) - minutesOf(slot.start) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return length === 0 ? MINUTES_PER_DAY : length;
}

/**
 * The two slots of a pattern that overlap in the week (wall-clock minutes, so the answer does not
 * depend on the time zone), or null when none do. A slot of Sunday night runs into Monday.
 */
export function overlappingSlots(slots: readonly RotaSlot[]): [RotaSlot, RotaSlot] | null {
  const spans = slots.map((slot) => ({ slot, start: (slot.day - 1) * MINUTES_PER_DAY + minutesOf(slot.start), length: slotMinutes(slot) }));
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i]!;
      const b = spans[j]!;
      // b starts within a, or a within b, on the circle of the week.
      const bAfterA = (b.start - a.start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
      const aAfterB = (a.start - b.start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
      if (bAfterA < a.length || aAfterB < b.length) return [a.slot, b.slot];
    }
  }
  return null;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a local date. */
function isoWeekday(date: LocalDate): number {
  return ((new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7) + 1;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** The occurrences of the pattern's slots that start on the local dates from `first`, `days` of them. */
function occurrences(slots: readonly RotaSlot[], first: LocalDate, days: number, timeZone: string): Occurrence[] {
  const found: Occurrence[] = [];
  for (let k = 0; k < days; k++) {
    const date = addDays(first, k);
    const weekday = isoWeekday(date);
    for (const slot of slots) {
      if (slot.day !== weekday) continue;
      const startMinutes = minutesOf(slot.start);
      const start = localToInstant(date, startMinutes, timeZone);
      const end = localToInstant(date, startMinutes + slotMinutes(slot), timeZone);
      if (end > start) found.push({ start, end, userId: slot.userId });
    }
  }
  return found;
}

/** The override or handover running at `at` that was decided last, if any. */
function decisionAt(rota: Rota, at: number): { userId: string; source: HolderSource } | null {
  let best: { userId: string; source: HolderSource; createdAt: number } | null = null;
  for (const o of rota.overrides) {
    if (o.from <= at && at < o.to && (best === null || o.createdAt >= best.createdAt)) best = { userId: o.userId, source: 'override', createdAt: o.createdAt };
  }
  for (const h of rota.handovers) {
    if (h.from <= at && at < h.until && (best === null || h.createdAt >= best.createdAt)) best = { userId: h.toUserId, source: 'handover', createdAt: h.createdAt };
  }
  return best === null ? null : { userId: best.userId, source: best.source };
}

function holderAmong(rota: Rota, occurring: readonly Occurrence[], at: number): Pick<Holding, 'userId' | 'source'> {
  const decided = decisionAt(rota, at);
  if (decided !== null) return decided;
  let running: Occurrence | null = null;
  for (const occurrence of occurring) {
    if (occurrence.start <= at && at < occurrence.end && (running === null || occurrence.start > running.start)) running = occurrence;
  }
  return running === null ? { userId: null, source: null } : { userId: running.userId, source: 'pattern' };
}

/**
 * Who holds the function at `at` (ms) and until when: see the header. `until` is null when nobody
 * else takes over within HORIZON_DAYS (a vacant function with nothing planned, one person always).
 */
export function holdingAt(rota: Rota, at: number, options: { timeZone?: string } = {}): Holding {
  const timeZone = options.timeZone ?? CLINIC_TIME_ZONE;
  // Slots that started yesterday may still run (a night, a whole day); then the horizon, and a day
  // of margin for the wall-clock days that last 25 hours.
  const first = addDays(localDateOf(at, timeZone), -1);
  const occurring = occurrences(rota.slots, first, HORIZON_DAYS + 2, timeZone);
  const now = holderAmong(rota, occurring, at);
  const horizon = at + HORIZON_DAYS * 86_400_000;
  const boundaries = new Set<number>();
  for (const o of occurring) boundaries.add(o.start).add(o.end);
  for (const o of rota.overrides) boundaries.add(o.from).add(o.to);
  for (const h of rota.handovers) boundaries.add(h.from).add(h.until);
  const ahead = [...boundaries].filter((b) => b > at && b <= horizon).sort((a, b) => a - b);
  for (const boundary of ahead) {
    if (holderAmong(rota, occurring, boundary).userId !== now.userId) return { ...now, until: boundary };
  }
  return { ...now, until: null };
}

/**
 * The end of the pattern's slot occurrence running at `at` held by `userId`, or null: how long a
 * handover made without an end lasts when the holder holds by the pattern.
 */
export function slotEndAt(rota: Pick<Rota, 'slots'>, at: number, options: { timeZone?: string } = {}): number | null {
  const timeZone = options.timeZone ?? CLINIC_TIME_ZONE;
  const first = addDays(localDateOf(at, timeZone), -1);
  const running = occurrences(rota.slots, first, 2, timeZone).filter((o) => o.start <= at && at < o.end);
  return running.length === 0 ? null : Math.max(...running.map((o) => o.end));
}

/** How far back `holdingSince` looks for the start of the holding running now. */
export const LOOKBACK_DAYS = 8;

/**
 * When the holding running at `at` began: the last instant at or before `at` where the holder
 * changed (a slot, an override or a handover starting or ending), or null when the same answer
 * (someone, or nobody) runs back past LOOKBACK_DAYS. The urgent conversations' pass derives its
 * lines' ids from it, so every gateway names one change the same way.
 */
export function holdingSince(rota: Rota, at: number, options: { timeZone?: string } = {}): number | null {
  const timeZone = options.timeZone ?? CLINIC_TIME_ZONE;
  const first = addDays(localDateOf(at, timeZone), -(LOOKBACK_DAYS + 1));
  const occurring = occurrences(rota.slots, first, LOOKBACK_DAYS + 3, timeZone);
  const holder = holderAmong(rota, occurring, at).userId;
  const earliest = at - LOOKBACK_DAYS * 86_400_000;
  const boundaries = new Set<number>();
  for (const o of occurring) boundaries.add(o.start).add(o.end);
  for (const o of rota.overrides) boundaries.add(o.from).add(o.to);
  for (const h of rota.handovers) boundaries.add(h.from).add(h.until);
  const behind = [...boundaries].filter((b) => b <= at && b > earliest).sort((a, b) => b - a);
  for (const boundary of behind) {
    if (holderAmong(rota, occurring, boundary - 1).userId !== holder) return boundary;
  }
  return null;
}
