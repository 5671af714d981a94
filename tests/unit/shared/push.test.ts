import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PREFERENCES, inQuietHours, shouldAlert, type NotificationPreferences } from '../../../src/shared/push.ts';

/** Quiet hours and mute decide whether a push or a sound goes out; the clock is faked. */

const conversationId = '0190a5b0-0000-7000-8000-000000000001';
const night: NotificationPreferences = { ...DEFAULT_PREFERENCES, quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' } };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('quiet hours', () => {
  it('span midnight in the user’s time zone (22:00–07:00 Paris)', () => {
    vi.setSystemTime(new Date('2026-01-15T21:30:00Z')); // 22:30 in Paris (winter, UTC+1)
    expect(inQuietHours(night.quietHours, Date.now())).toBe(true);
    vi.setSystemTime(new Date('2026-01-15T05:59:00Z')); // 06:59 in Paris
    expect(inQuietHours(night.quietHours, Date.now())).toBe(true);
    vi.setSystemTime(new Date('2026-01-15T06:00:00Z')); // 07:00 in Paris: over
    expect(inQuietHours(night.quietHours, Date.now())).toBe(false);
    vi.setSystemTime(new Date('2026-07-15T20:30:00Z')); // 22:30 in Paris (summer, UTC+2)
    expect(inQuietHours(night.quietHours, Date.now())).toBe(true);
  });

  it('hold back ordinary alerts but never urgent ones', () => {
    vi.setSystemTime(new Date('2026-01-15T23:00:00Z'));
    expect(shouldAlert(night, { conversationId, urgent: false }, Date.now())).toBe(false);
    expect(shouldAlert(night, { conversationId, urgent: true }, Date.now())).toBe(true);
    vi.advanceTimersByTime(9 * 60 * 60 * 1000); // 09:00 the next morning in Paris
    expect(shouldAlert(night, { conversationId, urgent: false }, Date.now())).toBe(true);
  });

  it('are off when none are set or start equals end', () => {
    expect(inQuietHours(null, Date.now())).toBe(false);
    expect(inQuietHours({ start: '08:00', end: '08:00', timeZone: 'UTC' }, Date.now())).toBe(false);
  });
});

describe('mute', () => {
  it('silences a conversation except for urgent messages', () => {
    const muted = { ...DEFAULT_PREFERENCES, muted: [conversationId] };
    expect(shouldAlert(muted, { conversationId, urgent: false }, Date.now())).toBe(false);
    expect(shouldAlert(muted, { conversationId, urgent: true }, Date.now())).toBe(true);
    expect(shouldAlert(muted, { conversationId: '0190a5b0-0000-7000-8000-000000000002', urgent: false }, Date.now())).toBe(true);
  });
});
