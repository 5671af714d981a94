import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { Availability } from '../../../../../src/shared/model.ts';
import { expectMatchingCatalogues } from '../../catalogue-kit.ts';
import { statusEn } from '../../../../../src/app/features/presence/status-en.ts';
import { statusFr } from '../../../../../src/app/features/presence/status-fr.ts';
import { availability, currentStatus, noteAvailability, parseAvailability } from '../../../../../src/app/features/presence/availability.ts';
import { statusLabel } from '../../../../../src/app/features/presence/status-label.ts';
import { lang, loadEnglish } from '../../../../../src/app/core/i18n/index.ts';

// The shell's English sentences are a chunk loaded on demand (core/i18n/i18n.ts).
beforeAll(() => loadEnglish());

const ID = '0190a5e0-0000-7000-8000-000000000001';

describe('availability statuses catalogue', () => {
  it('has the same keys and placeholders in French and English, none empty', () => {
    expectMatchingCatalogues(statusFr, statusEn);
  });
});

describe('parseAvailability()', () => {
  it('accepts what the shared schema accepts and refuses what it refuses', () => {
    const samples: unknown[] = [
      { state: 'busy' },
      { state: 'in_consultation', message: 'Bloc', until: 1_800_000_000_000 },
      { state: 'on_call', until: 5 },
      { state: 'sleeping' },
      { state: 'busy', message: 3 },
      { state: 'busy', until: '5' },
      { state: 'busy', until: Number.NaN },
      null,
      'busy',
      [],
    ];
    for (const sample of samples) {
      expect(parseAvailability(sample) !== null, JSON.stringify(sample)).toBe(z.safeParse(Availability, sample).success);
    }
  });
});

describe('statusLabel() and currentStatus()', () => {
  it('says the state in words, with its end and message', () => {
    lang.value = 'fr';
    const now = new Date(2026, 11, 7, 10, 0).getTime();
    const until = new Date(2026, 11, 7, 15, 0).getTime();
    expect(statusLabel({ state: 'in_consultation' }, now)).toBe('En consultation');
    expect(statusLabel({ state: 'on_call', message: 'Bip 412', until }, now)).toMatch(/^De garde · jusqu’à .*15.00.* — Bip 412$/);
    lang.value = 'en';
    expect(statusLabel({ state: 'busy' }, now)).toBe('Busy');
    lang.value = 'fr';
  });

  it('shows no status once its end has passed', () => {
    availability.value = {};
    noteAvailability(ID, { state: 'away', until: 2_000 });
    expect(currentStatus(ID, 1_999)).toEqual({ state: 'away', until: 2_000 });
    expect(currentStatus(ID, 2_000)).toBeUndefined();
    noteAvailability(ID, null);
    expect(currentStatus(ID, 0)).toBeUndefined();
  });

  it('leaves the signal by itself at its end', () => {
    vi.useFakeTimers();
    try {
      vi.setSystemTime(1_000);
      noteAvailability(ID, { state: 'busy', until: 61_000 });
      expect(availability.value[ID]).toEqual({ state: 'busy', until: 61_000 });
      vi.advanceTimersByTime(60_000);
      expect(availability.value[ID]).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
