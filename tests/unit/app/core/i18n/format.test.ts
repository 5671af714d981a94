import { describe, expect, it } from 'vitest';
import { formatMessageTime } from '../../../../../src/app/core/i18n/format.ts';

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
