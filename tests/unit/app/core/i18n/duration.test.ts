import { describe, expect, it } from 'vitest';
import { formatCallDuration } from '../../../../../src/app/core/i18n/duration.ts';

/** Intl writes a no-break space (or a narrow one) between a number and its unit: compare on plain spaces. */
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatCallDuration()', () => {
  it('writes minutes and seconds as French abbreviates them', () => {
    expect(plain(formatCallDuration(252, 'fr'))).toBe('4 min 12 s');
    expect(plain(formatCallDuration(45, 'fr'))).toBe('45 s');
    expect(plain(formatCallDuration(120, 'fr'))).toBe('2 min');
    expect(plain(formatCallDuration(0, 'fr'))).toBe('0 s');
  });

  it('leaves seconds out from an hour on, and zero parts always', () => {
    expect(plain(formatCallDuration(3_600, 'fr'))).toBe('1 h');
    expect(plain(formatCallDuration(3_600 + 5 * 60 + 59, 'fr'))).toBe('1 h 5 min');
  });

  it('writes English units as en-GB abbreviates them', () => {
    expect(plain(formatCallDuration(252, 'en'))).toBe('4 mins 12 secs');
    expect(plain(formatCallDuration(61, 'en'))).toBe('1 min 1 sec');
    expect(plain(formatCallDuration(3_900, 'en'))).toBe('1 hr 5 mins');
  });
});
