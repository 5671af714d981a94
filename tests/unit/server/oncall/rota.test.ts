import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RotaHandover, RotaOverride, RotaSlot } from '../../../../src/shared/oncall.ts';
import { holdingAt, overlappingSlots, slotEndAt, type Rota } from '../../../../src/server/oncall/rota.ts';
import { localToInstant } from '../../../../src/server/oncall/zoned-time.ts';

const ANNE = '0190a3c4-0000-7000-8000-00000000000a';
const KARIM = '0190a3c4-0000-7000-8000-00000000000b';
const CLAIRE = '0190a3c4-0000-7000-8000-00000000000c';
const ID = '0190a3c4-0000-7000-8000-0000000000ff';

/** An instant written as UTC, so each test states exactly what the Paris clock reads. */
const utc = (text: string): number => Date.parse(`${text}Z`);

function rota(parts: Partial<Rota>): Rota {
  return { slots: [], overrides: [], handovers: [], ...parts };
}

const slot = (day: number, start: string, end: string, userId: string): RotaSlot => ({ day, start, end, userId });
const override = (from: number, to: number, userId: string, createdAt: number): RotaOverride => ({ id: ID, from, to, userId, createdAt });
const handover = (from: number, until: number, toUserId: string, createdAt: number): RotaHandover => ({ id: ID, fromUserId: ANNE, toUserId, from, until, createdAt });

afterEach(() => {
  vi.useRealTimers();
});

describe('holdingAt()', () => {
  // Monday 7 December 2026, winter time (UTC+1).
  const week = rota({ slots: [slot(1, '08:00', '20:00', ANNE), slot(1, '20:00', '08:00', KARIM)] });

  it('names the holder of the slot running now, until that slot ends (the clock faked to a Monday morning)', () => {
    vi.useFakeTimers();
    vi.setSystemTime(utc('2026-12-07T09:30:00')); // 10:30 in Paris
    expect(holdingAt(week, Date.now())).toEqual({ userId: ANNE, source: 'pattern', until: utc('2026-12-07T19:00:00') });
  });

  it('passes to the night slot at 20:00 local, which runs past midnight until 08:00', () => {
    expect(holdingAt(week, utc('2026-12-07T19:00:00'))).toEqual({ userId: KARIM, source: 'pattern', until: utc('2026-12-08T07:00:00') });
    expect(holdingAt(week, utc('2026-12-08T02:00:00')).userId).toBe(KARIM);
  });

  it('leaves the function vacant outside every slot, until the next slot a week later', () => {
    const vacant = holdingAt(week, utc('2026-12-08T07:00:00')); // Tuesday 08:00
    expect(vacant).toEqual({ userId: null, source: null, until: utc('2026-12-14T07:00:00') });
  });

  it('reads consecutive turns of the same person as one', () => {
    const long = rota({ slots: [slot(2, '08:00', '20:00', CLAIRE), slot(2, '20:00', '08:00', CLAIRE), slot(3, '08:00', '20:00', ANNE)] });
    expect(holdingAt(long, utc('2026-12-08T10:00:00'))).toEqual({ userId: CLAIRE, source: 'pattern', until: utc('2026-12-09T07:00:00') });
  });

  it('answers no end when one person holds every hour of the week, and none for an empty rota', () => {
    const always = rota({ slots: [1, 2, 3, 4, 5, 6, 7].map((day) => slot(day, '00:00', '00:00', ANNE)) });
    expect(holdingAt(always, utc('2026-12-09T12:00:00'))).toEqual({ userId: ANNE, source: 'pattern', until: null });
    expect(holdingAt(rota({}), utc('2026-12-09T12:00:00'))).toEqual({ userId: null, source: null, until: null });
  });

  it('lets a dated override win over the pattern, until it ends', () => {
    const swapped = rota({ ...week, overrides: [override(utc('2026-12-07T12:00:00'), utc('2026-12-07T15:00:00'), CLAIRE, 1)] });
    expect(holdingAt(swapped, utc('2026-12-07T09:30:00'))).toEqual({ userId: ANNE, source: 'pattern', until: utc('2026-12-07T12:00:00') });
    expect(holdingAt(swapped, utc('2026-12-07T13:00:00'))).toEqual({ userId: CLAIRE, source: 'override', until: utc('2026-12-07T15:00:00') });
    expect(holdingAt(swapped, utc('2026-12-07T15:00:00'))).toEqual({ userId: ANNE, source: 'pattern', until: utc('2026-12-07T19:00:00') });
  });

  it('lets the decision made last win between an override and a handover running at once', () => {
    const from = utc('2026-12-07T12:00:00');
    const to = utc('2026-12-07T18:00:00');
    const handedThenSwapped = rota({ ...week, handovers: [handover(from, to, KARIM, 10)], overrides: [override(from, to, CLAIRE, 20)] });
    expect(holdingAt(handedThenSwapped, utc('2026-12-07T13:00:00'))).toMatchObject({ userId: CLAIRE, source: 'override' });
    const swappedThenHanded = rota({ ...week, handovers: [handover(from, to, KARIM, 30)], overrides: [override(from, to, CLAIRE, 20)] });
    expect(holdingAt(swappedThenHanded, utc('2026-12-07T13:00:00'))).toEqual({ userId: KARIM, source: 'handover', until: to });
  });

  it('ignores overrides and handovers that ended or have not begun', () => {
    const past = rota({ ...week, overrides: [override(utc('2026-12-01T00:00:00'), utc('2026-12-02T00:00:00'), CLAIRE, 1)], handovers: [handover(utc('2026-12-20T00:00:00'), utc('2026-12-21T00:00:00'), KARIM, 2)] });
    expect(holdingAt(past, utc('2026-12-07T09:30:00'))).toEqual({ userId: ANNE, source: 'pattern', until: utc('2026-12-07T19:00:00') });
  });
});

describe('holdingAt() across the changes of time (Europe/Paris)', () => {
  // Sunday 29 March 2026: at 02:00 CET the clock goes to 03:00 CEST (01:00 UTC).
  it('gives the night before the clocks go forward 11 hours, from 20:00 CET to 08:00 CEST', () => {
    const nights = rota({ slots: [slot(6, '20:00', '08:00', KARIM), slot(7, '08:00', '20:00', ANNE)] });
    expect(holdingAt(nights, utc('2026-03-28T19:00:00'))).toEqual({ userId: KARIM, source: 'pattern', until: utc('2026-03-29T06:00:00') });
    expect(holdingAt(nights, utc('2026-03-29T05:59:59'))).toMatchObject({ userId: KARIM });
    expect(holdingAt(nights, utc('2026-03-29T06:00:00'))).toEqual({ userId: ANNE, source: 'pattern', until: utc('2026-03-29T18:00:00') });
  });

  it('starts a slot set in the skipped hour as far past the change (02:30 → 03:30 CEST)', () => {
    const skipped = rota({ slots: [slot(7, '02:30', '06:00', CLAIRE)] });
    expect(localToInstant({ year: 2026, month: 3, day: 29 }, 150, 'Europe/Paris')).toBe(utc('2026-03-29T01:30:00'));
    expect(holdingAt(skipped, utc('2026-03-29T01:29:59')).userId).toBeNull();
    expect(holdingAt(skipped, utc('2026-03-29T01:30:00'))).toEqual({ userId: CLAIRE, source: 'pattern', until: utc('2026-03-29T04:00:00') });
  });

  // Sunday 25 October 2026: at 03:00 CEST the clock goes back to 02:00 CET (01:00 UTC).
  it('gives the night the clocks go back 13 hours, from 20:00 CEST to 08:00 CET', () => {
    const nights = rota({ slots: [slot(6, '20:00', '08:00', KARIM), slot(7, '08:00', '20:00', ANNE)] });
    expect(holdingAt(nights, utc('2026-10-24T18:00:00'))).toEqual({ userId: KARIM, source: 'pattern', until: utc('2026-10-25T07:00:00') });
    // 02:30 is read twice that night; both readings are inside the night slot.
    expect(holdingAt(nights, utc('2026-10-25T00:30:00')).userId).toBe(KARIM);
    expect(holdingAt(nights, utc('2026-10-25T01:30:00')).userId).toBe(KARIM);
    expect(holdingAt(nights, utc('2026-10-25T07:00:00'))).toEqual({ userId: ANNE, source: 'pattern', until: utc('2026-10-25T19:00:00') });
  });

  it('starts a slot set in the repeated hour at its first reading (02:30 CEST)', () => {
    expect(localToInstant({ year: 2026, month: 10, day: 25 }, 150, 'Europe/Paris')).toBe(utc('2026-10-25T00:30:00'));
    const repeated = rota({ slots: [slot(7, '02:30', '04:00', CLAIRE)] });
    // 02:30 CEST to 04:00 CET: 2 h 30 of real time.
    expect(holdingAt(repeated, utc('2026-10-25T00:30:00'))).toEqual({ userId: CLAIRE, source: 'pattern', until: utc('2026-10-25T03:00:00') });
  });
});

describe('slotEndAt()', () => {
  it('answers the end of the occurrence running now, or null outside every slot', () => {
    const week = { slots: [slot(1, '20:00', '08:00', KARIM)] };
    expect(slotEndAt(week, utc('2026-12-08T01:00:00'))).toBe(utc('2026-12-08T07:00:00'));
    expect(slotEndAt(week, utc('2026-12-08T08:00:00'))).toBeNull();
  });
});

describe('overlappingSlots()', () => {
  it('accepts slots that touch end to start', () => {
    expect(overlappingSlots([slot(1, '08:00', '20:00', ANNE), slot(1, '20:00', '08:00', KARIM), slot(2, '08:00', '20:00', ANNE)])).toBeNull();
  });

  it('finds two slots of one day that overlap', () => {
    const a = slot(3, '08:00', '14:00', ANNE);
    const b = slot(3, '13:00', '18:00', KARIM);
    expect(overlappingSlots([a, b])).toEqual([a, b]);
  });

  it('finds a Sunday night that runs into Monday morning’s slot', () => {
    const sunday = slot(7, '20:00', '09:00', ANNE);
    const monday = slot(1, '08:00', '12:00', KARIM);
    expect(overlappingSlots([monday, sunday])).toEqual([monday, sunday]);
  });
});
