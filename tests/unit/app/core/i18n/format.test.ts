import { describe, expect, it } from 'vitest';
import { formatBytes, formatMessageTime, formatNumber } from '../../../../../src/app/core/i18n/format.ts';

// Dates are built in the device's local time zone, as the formatter reads them.
const NOW = new Date(2025, 10, 14, 16, 5).getTime();

describe('formatMessageTime()', () => {
  it('shows hours and minutes for today', () => {
    const time = new Date(2025, 10, 14, 14, 32).getTime();
    expect(formatMessageTime(time, NOW, 'fr')).toBe('14:32');
    expect(formatMessageTime(time, NOW, 'en')).toBe('14:32');
  });

  it('shows day and short month for an earlier day of the year', () => {
    const time = new Date(2025, 10, 12, 9, 0).getTime();
    expect(formatMessageTime(time, NOW, 'fr')).toBe('12 nov.');
    expect(formatMessageTime(time, NOW, 'en')).toBe('12 Nov');
  });

  it('treats yesterday late evening as another day', () => {
    const time = new Date(2025, 10, 13, 23, 59).getTime();
    expect(formatMessageTime(time, NOW, 'fr')).toBe('13 nov.');
  });

  it('adds the year for an earlier year', () => {
    const time = new Date(2024, 0, 3, 8, 0).getTime();
    expect(formatMessageTime(time, NOW, 'fr')).toBe('3 janv. 2024');
  });
});

describe('formatNumber()', () => {
  it('writes decimals and thousands as each language does', () => {
    expect(formatNumber(893.2, 'fr', 1)).toBe('893,2');
    expect(formatNumber(893.2, 'en', 1)).toBe('893.2');
    expect(formatNumber(1234, 'fr')).toBe('1\u202f234');
    expect(formatNumber(1234, 'en')).toBe('1,234');
  });
});

describe('formatBytes()', () => {
  it('says "893,2 Ko" in French and "893.2 KB" in English', () => {
    expect(formatBytes(914_637, 'fr')).toBe('893,2\u00a0Ko');
    expect(formatBytes(914_637, 'en')).toBe('893.2\u00a0KB');
  });

  it('keeps whole bytes below 1 Ko and climbs the units in steps of 1024', () => {
    expect(formatBytes(512, 'fr')).toBe('512\u00a0o');
    expect(formatBytes(1_572_864, 'fr')).toBe('1,5\u00a0Mo');
    expect(formatBytes(3 * 1024 ** 3, 'en')).toBe('3.0\u00a0GB');
  });
});

describe('formats built without Intl', () => {
  it('write today\'s times and small counts exactly as Intl does, in both languages', () => {
    const day = new Date(2026, 2, 9, 0, 0).getTime();
    for (const l of ['fr', 'en'] as const) {
      const locale = l === 'fr' ? 'fr-FR' : 'en-GB';
      const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
      for (let minute = 0; minute < 24 * 60; minute += 7) {
        const at = day + minute * 60_000;
        expect(formatMessageTime(at, day + 23 * 3_600_000, l)).toBe(time.format(at));
      }
      const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
      for (const n of [0, 1, 7, 42, 999, 1000, 12_345]) expect(formatNumber(n, l)).toBe(number.format(n));
    }
  });
});
