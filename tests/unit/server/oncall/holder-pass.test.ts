import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RotaOverride, RotaSlot } from '../../../../src/shared/oncall.ts';
import { holdingSince, type Rota } from '../../../../src/server/oncall/rota.ts';
import { passLineId, passTarget } from '../../../../src/server/oncall/urgent-handover.ts';

const DAY_DOCTOR = '0190a3c4-0000-7000-8000-00000000000a';
const NIGHT_DOCTOR = '0190a3c4-0000-7000-8000-00000000000b';
const STAND_IN = '0190a3c4-0000-7000-8000-00000000000c';
const CONVERSATION = '0190a3c4-0000-7000-8000-0000000000c1';
const FUNCTION = '0190a3c4-0000-7000-8000-0000000000f1';
const ID = '0190a3c4-0000-7000-8000-0000000000ff';

/** An instant written as UTC, so each test states exactly what the Paris clock reads. */
const utc = (text: string): number => Date.parse(`${text}Z`);
const slot = (day: number, start: string, end: string, userId: string): RotaSlot => ({ day, start, end, userId });

/** Every day: the day doctor 08:00–20:00, the night doctor 20:00–08:00 (Paris). */
const dayAndNight: Rota = {
  slots: [1, 2, 3, 4, 5, 6, 7].flatMap((day) => [slot(day, '08:00', '20:00', DAY_DOCTOR), slot(day, '20:00', '08:00', NIGHT_DOCTOR)]),
  overrides: [],
  handovers: [],
};

/**
 * Runs the gateway's scan as oncall/urgent-handover.ts does, every 15 s of fake time, for one open
 * urgent conversation that records `recorded` as the holder: at each scan, the pass target now; a
 * holder other than the recorded one is a pass (one line, the recorded holder updated). Answers the
 * passes: to whom, when (ms since the epoch), and the line's id.
 */
async function scan(rota: Rota, recorded: string, forMs: number): Promise<{ toUserId: string; at: number; lineId: string }[]> {
  const passes: { toUserId: string; at: number; lineId: string }[] = [];
  const end = Date.now() + forMs;
  let holder = recorded;
  while (Date.now() < end) {
    vi.advanceTimersByTime(15_000);
    const target = passTarget(rota, Date.now());
    if (target === null || target.toUserId === holder) continue;
    passes.push({ toUserId: target.toUserId, at: Date.now(), lineId: await passLineId(CONVERSATION, FUNCTION, holder, target.toUserId, target.since) });
    holder = target.toUserId;
  }
  return passes;
}

beforeEach(() => {
  // Monday 7 December 2026, 19:30:05 in Paris (winter time, UTC+1): the scans run at :05, :20, :35, :50.
  vi.useFakeTimers({ now: utc('2026-12-07T18:30:05') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the pass of open urgent conversations at a change of holder (oncall/urgent-handover.ts)', () => {
  it('passes at the first scan after the shift change at 20:00 Paris, to the night doctor, once', async () => {
    const passes = await scan(dayAndNight, DAY_DOCTOR, 2 * 3_600_000);
    expect(passes.map((p) => [p.toUserId, p.at])).toEqual([[NIGHT_DOCTOR, utc('2026-12-07T19:00:05')]]);
  });

  it('passes nothing before 20:00', async () => {
    expect(await scan(dayAndNight, DAY_DOCTOR, 30 * 60_000 - 15_000)).toEqual([]);
  });

  it('names the change by the instant the holding began: every scan, and every gateway, derives the same line id', async () => {
    vi.setSystemTime(utc('2026-12-07T19:00:15'));
    const early = passTarget(dayAndNight, Date.now());
    vi.setSystemTime(utc('2026-12-07T23:40:00'));
    const late = passTarget(dayAndNight, Date.now());
    expect(early).toEqual({ toUserId: NIGHT_DOCTOR, since: utc('2026-12-07T19:00:00') });
    expect(late).toEqual(early);
    expect(await passLineId(CONVERSATION, FUNCTION, DAY_DOCTOR, NIGHT_DOCTOR, early!.since)).toBe(
      await passLineId(CONVERSATION, FUNCTION, DAY_DOCTOR, NIGHT_DOCTOR, late!.since),
    );
    // The next night's change is another change: another line.
    vi.setSystemTime(utc('2026-12-08T19:00:15'));
    const next = passTarget(dayAndNight, Date.now());
    expect(next?.since).toBe(utc('2026-12-08T19:00:00'));
    expect(await passLineId(CONVERSATION, FUNCTION, DAY_DOCTOR, NIGHT_DOCTOR, next!.since)).not.toBe(
      await passLineId(CONVERSATION, FUNCTION, DAY_DOCTOR, NIGHT_DOCTOR, early!.since),
    );
  });

  it('passes at the start of an override planned earlier, and back at its end', async () => {
    const override: RotaOverride = { id: ID, from: utc('2026-12-07T18:45:00'), to: utc('2026-12-07T18:55:00'), userId: STAND_IN, createdAt: utc('2026-12-01T09:00:00') };
    const passes = await scan({ ...dayAndNight, overrides: [override] }, DAY_DOCTOR, 40 * 60_000);
    expect(passes.map((p) => [p.toUserId, p.at])).toEqual([
      [STAND_IN, utc('2026-12-07T18:45:05')],
      [DAY_DOCTOR, utc('2026-12-07T18:55:05')],
      [NIGHT_DOCTOR, utc('2026-12-07T19:00:05')],
    ]);
  });

  it('passes nothing while the function is vacant: the conversation keeps its holder', async () => {
    const daysOnly: Rota = { ...dayAndNight, slots: dayAndNight.slots.filter((s) => s.userId === DAY_DOCTOR) };
    expect(passTarget(daysOnly, utc('2026-12-07T21:00:00'))).toBeNull();
    expect(await scan(daysOnly, DAY_DOCTOR, 3 * 3_600_000)).toEqual([]);
  });
});

describe('holdingSince()', () => {
  it('is the start of the slot running, across midnight', () => {
    expect(holdingSince(dayAndNight, utc('2026-12-08T02:00:00'))).toBe(utc('2026-12-07T19:00:00'));
  });

  it('is null when one answer runs back past the look-back', () => {
    const always: Rota = { slots: [1, 2, 3, 4, 5, 6, 7].map((day) => slot(day, '00:00', '00:00', DAY_DOCTOR)), overrides: [], handovers: [] };
    expect(holdingSince(always, utc('2026-12-08T02:00:00'))).toBeNull();
  });
});
